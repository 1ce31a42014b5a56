/**
 * The PARTNERS_FILE (YAML or JSON) of a real deployment: the partners a server trusts,
 * read and validated. Both the provider's server and the example operator receiver read
 * it; without one they use the sandbox partner (sandbox.ts).
 *
 * ```yaml
 * partners:
 *   - memberId: casino-one            # MEMB_ID, and Kyren secureLogin
 *     secret: "…at least 16 chars…"   # keys HASH and the body hash
 *     # secrets: ["…new…", "…old…"]  # instead of secret, while it is rotated: either is accepted, the first signs callbacks
 *     kyrenToken: "…at least 16 chars…"  # optional: Kyren CloseSession is refused without it
 *     # kyrenTokens: ["…new…", "…old…"]  # instead of kyrenToken, while it is rotated
 *     callbackUrl: https://casino-one.example/lm   # base URL; /V4/sessionexpired is appended
 *     sessionExpiredCallback: true     # default false (the spec: off unless asked for)
 *     requireTimestamp: true           # default false: refuse requests without timestamp (401 G.04)
 * ```
 */
import { readFileSync } from "node:fs";
import { parse, type YAMLError } from "yaml";
import { createAjv } from "../shared/ajv.js";
import { MAX_SECRETS } from "@luckymonaco/session-api-client/signing";
import type { Partner } from "./directory.js";

const schema = {
  type: "object",
  required: ["partners"],
  additionalProperties: false,
  properties: {
    partners: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["memberId"],
        additionalProperties: false,
        properties: {
          memberId: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,64}$" },
          secret: { type: "string", minLength: 16 },
          secrets: { type: "array", minItems: 1, maxItems: MAX_SECRETS, uniqueItems: true, items: { type: "string", minLength: 16 } },
          kyrenToken: { type: "string", minLength: 16 },
          kyrenTokens: { type: "array", minItems: 1, maxItems: MAX_SECRETS, uniqueItems: true, items: { type: "string", minLength: 16 } },
          callbackUrl: { type: "string", format: "uri", pattern: "^https?://" },
          sessionExpiredCallback: { type: "boolean", default: false },
          requireTimestamp: { type: "boolean", default: false },
        },
        if: { properties: { sessionExpiredCallback: { const: true } }, required: ["sessionExpiredCallback"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
        then: { required: ["callbackUrl"] },
        // Exactly one of secret and secrets; at most one of kyrenToken and kyrenTokens.
        oneOf: [{ required: ["secret"] }, { required: ["secrets"] }],
        not: { required: ["kyrenToken", "kyrenTokens"] },
      },
    },
  },
} as const;

const validate = createAjv({ allErrors: true, useDefaults: true }).compile(schema);

/** `/partners/0/secret` → `partners[0].secret` */
function fieldName(instancePath: string, missing?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  if (missing) parts.push(missing);
  return parts.map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : `${index ? "." : ""}${part}`)).join("") || "(the file)";
}

/**
 * Reads and validates a partners file.
 *
 * @throws Error naming the file and each bad field, e.g. `partners[1].secret must NOT have fewer than 16 characters`
 */
export function loadPartnersFile(path: string): Partner[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`PARTNERS_FILE ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text, { prettyErrors: false });
  } catch (error) {
    // Where, never what: the YAML library quotes the offending line, which may hold a secret.
    const { code, pos } = error as YAMLError;
    const before = pos ? text.slice(0, pos[0]).split("\n") : undefined;
    const where = before ? ` at line ${before.length}, column ${before.at(-1)!.length + 1}` : "";
    throw new Error(
      `PARTNERS_FILE ${path}: not valid YAML or JSON (${code ?? "parse error"}${where}; the line is not shown, as it may hold a secret)`,
    );
  }
  if (!validate(document)) {
    const problems = validate
      .errors!.filter((error) => error.keyword !== "if" && !(error.keyword === "required" && error.schemaPath.includes("oneOf")))
      .map((error) => {
        if (error.keyword === "oneOf") return `${fieldName(error.instancePath)} needs exactly one of secret and secrets`;
        if (error.keyword === "not") return `${fieldName(error.instancePath)} takes kyrenToken or kyrenTokens, not both`;
        const missing = error.keyword === "required" ? (error.params as { missingProperty: string }).missingProperty : undefined;
        const extra =
          error.keyword === "additionalProperties" ? (error.params as { additionalProperty: string }).additionalProperty : undefined;
        if (missing) return `${fieldName(error.instancePath, missing)} is required`;
        if (extra) return `${fieldName(error.instancePath, extra)} is not a known field`;
        return `${fieldName(error.instancePath)} ${error.message}`;
      });
    throw new Error(`PARTNERS_FILE ${path}: ${problems.join("; ")}`);
  }
  type Entry = Omit<Partner, "secret" | "kyrenToken" | "callbackUrl"> & Partial<Partner> & { secrets?: string[]; kyrenTokens?: string[] };
  const partners = (document as { partners: Entry[] }).partners;
  const seen = new Set<string>();
  for (const [index, partner] of partners.entries()) {
    if (seen.has(partner.memberId)) throw new Error(`PARTNERS_FILE ${path}: partners[${index}].memberId ${partner.memberId} is used twice`);
    seen.add(partner.memberId);
  }
  return partners.map((partner) => ({
    memberId: partner.memberId,
    secret: partner.secrets ?? partner.secret!,
    kyrenToken: partner.kyrenTokens ?? partner.kyrenToken,
    callbackUrl: partner.callbackUrl,
    sessionExpiredCallback: partner.sessionExpiredCallback ?? false,
    requireTimestamp: partner.requireTimestamp ?? false,
  }));
}
