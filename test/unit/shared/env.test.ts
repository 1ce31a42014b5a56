// Environment variables read through one definition per program (src/shared/env.ts): the
// server, the example receiver and the contract tester. Their start-up messages are
// tested where each program starts (integration/server/configuration.test.ts, contract/cli.test.ts).
import { describe, expect, it } from "vitest";
import { contractEnv } from "../../../src/contract/config.js";
import { operatorConfig, operatorEnv } from "../../../src/operator/config.js";
import { loadConfig, serverEnv } from "../../../src/server/config.js";
import { allowedValues, camelCase, type EnvDefinition, InvalidEnvError, readEnv } from "../../../src/shared/env.js";

const definitions: Array<[string, EnvDefinition]> = [
  ["server", serverEnv],
  ["operator receiver", operatorEnv],
  ["contract tester", contractEnv],
];

describe("one definition per program", () => {
  it.each(definitions)("%s: every default passes its own bounds when given as text", (_name, definition) => {
    const defaults = Object.entries(definition.properties).filter(([, variable]) => variable.default !== undefined);
    expect(defaults.length).toBeGreaterThan(0);
    const given = Object.fromEntries(defaults.map(([name, variable]) => [name, String(variable.default)]));
    const values = readEnv(definition, given) as Record<string, unknown>;
    for (const [name, variable] of defaults) expect(values[camelCase(name)], name).toEqual(variable.default);
  });

  it.each(definitions)("%s: every variable is described and its name is a shell variable", (_name, definition) => {
    for (const [name, variable] of Object.entries(definition.properties)) {
      expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(variable.description.length, name).toBeGreaterThan(10);
    }
  });

  it("names values in camel case, keeping the server's configuration keys", () => {
    expect(camelCase("SIGNATURE_TOLERANCE_SECONDS")).toBe("signatureToleranceSeconds");
    expect(camelCase("OVERLOAD_EVENT_LOOP_DELAY_MS")).toBe("overloadEventLoopDelayMs");
    expect(Object.keys(loadConfig({}))).toEqual(Object.keys(serverEnv.properties).map(camelCase));
  });
});

describe("readEnv", () => {
  const definition = {
    type: "object",
    properties: {
      SIZE: { type: "integer", minimum: 1, maximum: 10, default: 5, description: "a bounded whole number" },
      MODE: { type: "string", enum: ["on", "off"], default: "on", description: "one of two words" },
      FLAG: { type: "boolean", default: false, description: "a boolean flag" },
      NAME: { type: "string", minLength: 3, description: "optional text of three characters or more" },
    },
  } as const;

  it("coerces text, applies defaults, and takes an empty variable as unset", () => {
    expect(readEnv(definition, {})).toEqual({ size: 5, mode: "on", flag: false, name: undefined });
    expect(readEnv(definition, { SIZE: "7", MODE: "off", FLAG: "true", NAME: "abc" })).toEqual({
      size: 7,
      mode: "off",
      flag: true,
      name: "abc",
    });
    expect(readEnv(definition, { SIZE: "", NAME: "" })).toEqual({ size: 5, mode: "on", flag: false, name: undefined });
  });

  it("names every invalid variable in the definition's order, with what it was given", () => {
    let thrown: unknown;
    try {
      readEnv(definition, { NAME: "x", SIZE: "11", MODE: "loud" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEnvError);
    const problems = (thrown as InvalidEnvError).problems;
    expect(problems.map(({ name, raw, message }) => [name, raw, message])).toEqual([
      ["SIZE", "11", "must be <= 10"],
      ["MODE", "loud", "must be equal to one of the allowed values"],
      ["NAME", "x", "must NOT have fewer than 3 characters"],
    ]);
    expect((thrown as Error).message).toBe(
      ["SIZE must be <= 10", "MODE must be equal to one of the allowed values", "NAME must NOT have fewer than 3 characters"].join("; "),
    );
  });

  it("says in words what a variable accepts", () => {
    expect(allowedValues(definition.properties.SIZE)).toBe("a whole number from 1 to 10");
    expect(allowedValues(definition.properties.MODE)).toBe("one of on, off");
    expect(allowedValues(definition.properties.FLAG)).toBe("true or false");
    expect(allowedValues(definition.properties.NAME)).toBe("at least 3 characters");
    expect(allowedValues(serverEnv.properties.GAME_BASE_URL)).toBe("an http:// or https:// URL");
    expect(allowedValues(serverEnv.properties.SESSION_IDLE_TIMEOUT_SECONDS)).toBe("a number above 0");
    expect(allowedValues(contractEnv.properties.CONTRACT_CASES)).toBe("an integer of at least 0");
  });
});

describe("the example receiver's configuration", () => {
  it("defaults to 127.0.0.1:3100, the sandbox partner and a tolerance of 300 s", () => {
    expect(operatorConfig({})).toEqual({
      host: "127.0.0.1",
      port: 3100,
      partnersFile: undefined,
      signatureToleranceSeconds: 300,
      logLevel: "info",
    });
  });

  it("names each bad variable with what it accepts and what it got", () => {
    expect(() => operatorConfig({ PORT: "abc", LOG_LEVEL: "loud" })).toThrow(
      "PORT must be a whole number from 0 to 65535, not abc; " +
        "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not loud",
    );
  });
});
