// The request generators of the contract tester: valid bodies are valid and seeded,
// invalid ones are invalid and each names its defect, documented refusals are read from
// the spec, and a schema keyword the generator does not handle fails loudly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refusals, roleFields } from "../../../src/contract/generate/body-roles.js";
import { invalidBodies } from "../../../src/contract/generate/invalid-bodies.js";
import { isValidBody, validBodies } from "../../../src/contract/generate/request-bodies.js";
import { flatten, schemaArbitrary } from "../../../src/contract/generate/schema-arbitrary.js";
import { requestSchema } from "../../../src/contract/bundle.js";
import { statefulProbes } from "../../../src/contract/checks/stateful.js";
import { validateRequestBody } from "../../../src/contract/response-validator.js";
import { allOperations } from "../../support/spec-views.js";

const credentials = { memberId: "demo", secret: "sandbox-secret", kyrenToken: "sandbox-token" };
const withoutFreshFields = (body: Record<string, unknown>) =>
  JSON.stringify({ ...body, uuid: "uuid" in body ? "…" : undefined, timestamp: undefined });

describe.each(allOperations.map((operation) => [operation.operationId, operation] as const))("%s", (_id, operation) => {
  const bodies = validBodies(operation, credentials, 60, 7);

  it("draws valid bodies with the role fields set (current timestamp, fresh uuid, credentials)", () => {
    for (const body of bodies) expect(isValidBody(operation, body), JSON.stringify(body)).toBe(true);
    if (operation.timestamp) expect(bodies.every((body) => Math.abs((body.timestamp as number) - Date.now() / 1000) < 60)).toBe(true);
    const uuids = bodies.filter((body) => "uuid" in body).map((body) => body.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(bodies.every((body) => !("hash" in body))).toBe(true);
  });

  it("draws the same bodies for the same seed (uuid and timestamp aside) and others for another seed", () => {
    expect(validBodies(operation, credentials, 60, 7).map(withoutFreshFields)).toEqual(bodies.map(withoutFreshFields));
    expect(validBodies(operation, credentials, 60, 8).map(withoutFreshFields)).not.toEqual(bodies.map(withoutFreshFields));
  });

  it("reaches both length limits of every free-text field, with characters beyond ASCII", () => {
    const properties = flatten(requestSchema(operation), operation.operationId).properties as Record<string, Record<string, unknown>>;
    const roles = roleFields(operation);
    const freeText = Object.entries(properties)
      .map(([name, schema]) => [name, flatten(schema, name)] as const)
      .filter(
        ([name, schema]) =>
          !roles.has(name) &&
          schema.type === "string" &&
          !schema.pattern &&
          !schema.enum &&
          !schema.format &&
          schema.maxLength !== undefined,
      );
    for (const [name, schema] of freeText) {
      const lengths = bodies.filter((body) => typeof body[name] === "string").map((body) => [...(body[name] as string)].length);
      expect(lengths, name).toContain(schema.maxLength);
      expect(lengths, name).toContain(schema.minLength ?? 0);
      expect(
        bodies.some((body) => /[^\p{ASCII}]/u.test(String(body[name] ?? ""))),
        name,
      ).toBe(true);
    }
  });

  it("breaks a valid body in many ways, each invalid against the schema (or not an object: V.01) and leaving the role fields alone", () => {
    const broken = invalidBodies(operation, bodies[0]!);
    expect(broken.length).toBeGreaterThan(20);
    for (const entry of broken) {
      if (entry.raw !== undefined) expect(entry.code).toBe("V.01");
      else expect(validateRequestBody(operation, { ...entry.body, hash: "0".repeat(32) }).length, entry.what).toBeGreaterThan(0);
    }
    const roles = [...roleFields(operation)].filter((field) => field !== "timestamp");
    expect(broken.filter((entry) => roles.some((field) => entry.what.startsWith(`/${field}:`)))).toEqual([]);
    for (const kind of ["not of type", "required, missing"])
      expect(
        broken.some((entry) => entry.what.includes(kind)),
        kind,
      ).toBe(true);
  });
});

describe("documented refusals (x-refused-values)", () => {
  it("are read from the spec: ENTER's gametype table is G.02, and no other operation has one", () => {
    expect(
      allOperations.flatMap((operation) => refusals(operation).map((refusal) => ({ operationId: operation.operationId, ...refusal }))),
    ).toEqual([{ operationId: "enterGameSession", pointer: "/gametype", value: "table", code: "G.02" }]);
  });
});

describe("the schema arbitrary", () => {
  it("fails loudly on a keyword it does not handle", () => {
    expect(() => schemaArbitrary({ type: "array", items: { type: "string" } }, "#/test")).toThrow(/keyword "items" at #\/test/);
    expect(() => schemaArbitrary({ type: "string", format: "hostname" }, "#/test")).toThrow(/format "hostname"/);
  });

  it("draws date-time values that are real instants, in the pattern's form", () => {
    const schema = {
      type: "string",
      format: "date-time",
      pattern: "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$",
      minLength: 20,
      maxLength: 20,
    };
    const drawn = fc.sample(schemaArbitrary(schema, "#/test") as fc.Arbitrary<string>, { seed: 1, numRuns: 500 });
    for (const text of drawn) expect(`${new Date(text).toISOString().slice(0, 19)}Z`, text).toBe(text); // 31 June would come back as 1 July
  });
});

describe("the stateful sequences", () => {
  it("are built whatever the seed draws: seed 36214080 draws gametype table for Kyren's lifecycle eleven times in twelve", () => {
    const probes = statefulProbes({ credentials, seed: 36214080, cases: 10 });
    const lifecycles = probes.filter((probe) => probe.kind === "sequence/lifecycle");
    expect(lifecycles).toHaveLength(2);
    for (const probe of lifecycles) {
      const enters = [probe.steps[0]!, probe.steps[2]!].map((step) => JSON.parse(step.request!.body));
      expect(enters.map((body) => body.gametype)).toEqual(["slot", "slot"]);
      expect(enters[1].player.id).toBe(enters[0].player.id);
    }
  });
});
