/**
 * Implementations with exactly one bug each, one or more for every kind of boundary
 * probe (`src/contract/boundaries/`): the reference server or the example receiver behind
 * a proxy that plays the bug (`test/support/one-bug.ts`). `catches` names the probe
 * kinds that must fail against it; `boundaries.test.ts` runs them and checks that every
 * kind the builders make is caught by some bug, so that no probe is vacuous.
 *
 * The bugs are those found in implementations written from the docs alone: a signature
 * compared over the length sent, a tolerance checked one way only, a body re-serialised
 * before its HMAC, a uuid used up by a refused request, and so on.
 */
import { randomUUID } from "node:crypto";
import { maxRequestBodyBytes, operationsById } from "../../../generated/operations.js";
import { bodyProperties, requiredFields, stringFields } from "../../../src/contract/boundaries/bodies.js";
import { operationById, requestExample } from "../../../src/contract/bundle.js";
import { validateRequestBody } from "../../../src/contract/response-validator.js";
import { requestSignature } from "@luckymonaco/session-api-client";
import type { ProxiedRequest, ProxyDefect } from "../../support/defect-proxy.js";
import {
  authenticated,
  hashRight,
  nowSeconds,
  objectOf,
  operationOf,
  refuse,
  resign,
  rightBodyHash,
  rightHash,
  type OneBugPartner,
  type Operation,
} from "../../support/one-bug.js";

/** One implementation with one bug. */
export interface OneBug {
  name: string;
  /** What the implementation gets wrong, in its own terms. */
  bug: string;
  /** The sides it exists on: the reference server (provider), the example receiver (operator). */
  sides: Array<"provider" | "operator">;
  /** The probe kinds that must fail against it. */
  catches: string[];
  defect(partner: OneBugPartner): ProxyDefect;
}

const both: OneBug["sides"] = ["provider", "operator"];
const facts = (operation: Operation) => operationById(operation.operationId);
const TOLERANCE = 300;

/** A defect that acts on requests of a known operation with a JSON object body. */
function onBody(
  act: (proxied: ProxiedRequest, operation: Operation, body: Record<string, any>) => ReturnType<NonNullable<ProxyDefect["request"]>>,
): ProxyDefect {
  return {
    request(proxied) {
      const operation = operationOf(proxied);
      const body = objectOf(proxied.body);
      if (operation && body) return act(proxied, operation, body);
    },
  };
}

/** A credential compared wrongly: `passes(sent, right)` says what the buggy comparison lets through. */
function looseComparison(
  credential: "HASH" | "body hash" | "token",
  passes: (sent: string | null | undefined, right: string) => boolean,
  partner: OneBugPartner,
): ProxyDefect {
  return {
    request(proxied) {
      const operation = operationOf(proxied);
      if (!operation) return;
      const body = objectOf(proxied.body);
      if (credential === "HASH" && operation.signedWithHash) {
        const sent = proxied.query.getAll("HASH");
        if (sent.length <= 1 && passes(sent[0] ?? null, rightHash(proxied, partner))) {
          proxied.query.delete("HASH");
          proxied.query.set("HASH", rightHash(proxied, partner));
        }
      } else if (credential === "body hash" && operation.bodyHash && body && hashRight(proxied, partner)) {
        const right = rightBodyHash(body, partner);
        if (right !== undefined && passes(body.hash, right)) resign(proxied, partner, body);
      } else if (credential === "token" && !operation.signedWithHash && body && body.secureLogin === partner.memberId) {
        if (passes(body.token, partner.kyrenToken)) resign(proxied, partner, body);
      }
    },
  };
}

const credentialBugs = (credential: "HASH" | "body hash" | "token", kind: string, sides: OneBug["sides"]): OneBug[] => [
  {
    name: `${kind}-compared-over-the-length-sent`,
    bug: `${credential} compared only over the length the client sent`,
    sides,
    catches: [`credentials/${kind}/first-character`, `credentials/${kind}/truncated`, `credentials/${kind}/first-half`],
    defect: (partner) =>
      looseComparison(credential, (sent, right) => typeof sent === "string" && sent.length > 0 && right.startsWith(sent), partner),
  },
  {
    name: `${kind}-compared-over-the-expected-length`,
    bug: `${credential} compared only over the length of the expected value`,
    sides,
    catches: [`credentials/${kind}/one-character-longer`],
    defect: (partner) => looseComparison(credential, (sent, right) => typeof sent === "string" && sent.startsWith(right), partner),
  },
  {
    name: `${kind}-compared-ignoring-case`,
    bug: `${credential} compared case-insensitively`,
    sides,
    catches: [`credentials/${kind}/other-case`],
    defect: (partner) =>
      looseComparison(credential, (sent, right) => typeof sent === "string" && sent.toLowerCase() === right.toLowerCase(), partner),
  },
  {
    name: `${kind}-last-character-ignored`,
    bug: `${credential} compared without its last character`,
    sides,
    catches: [`credentials/${kind}/one-character-off`],
    defect: (partner) =>
      looseComparison(
        credential,
        (sent, right) => typeof sent === "string" && sent.length === right.length && sent.slice(0, -1) === right.slice(0, -1),
        partner,
      ),
  },
  {
    name: `${kind}-checked-only-when-present`,
    bug: `${credential} checked only when it is present and not empty`,
    sides,
    catches: [`credentials/${kind}/empty`, `credentials/${kind}/missing`, ...(kind === "body-hash" ? ["credentials/body-hash/null"] : [])],
    defect: (partner) => looseComparison(credential, (sent) => sent === null || sent === undefined || sent === "", partner),
  },
];

/** A freshness check that lets `accepts(skew)` through (`skew` = now − timestamp), once the request is otherwise right. */
function looseFreshness(accepts: (skew: number, timestamp: number) => boolean, partner: OneBugPartner): ProxyDefect {
  return onBody((proxied, _operation, body) => {
    if (typeof body.timestamp !== "number" || !authenticated(proxied, partner)) return;
    const skew = nowSeconds() - body.timestamp;
    if (Math.abs(skew) > TOLERANCE && accepts(skew, body.timestamp)) resign(proxied, partner, { ...body, timestamp: nowSeconds() });
  });
}

const freshnessBugs: OneBug[] = [
  {
    name: "tolerance-600",
    bug: "a tolerance of 600 s",
    sides: both,
    catches: ["freshness/outside-past", "freshness/outside-future"],
    defect: (partner) => looseFreshness((skew) => Math.abs(skew) <= 600, partner),
  },
  {
    name: "future-not-checked",
    bug: "only timestamps in the past are checked",
    sides: both,
    catches: ["freshness/outside-future"],
    defect: (partner) => looseFreshness((skew) => skew < 0, partner),
  },
  {
    name: "milliseconds-accepted",
    bug: "a timestamp in milliseconds is divided by 1000",
    sides: both,
    catches: ["freshness/milliseconds"],
    defect: (partner) => looseFreshness((_skew, timestamp) => timestamp > 1e12, partner),
  },
  {
    name: "epoch-taken-for-none",
    bug: "`if (body.timestamp)`: 0 counts as no timestamp",
    sides: both,
    catches: ["freshness/epoch"],
    defect: (partner) => looseFreshness((_skew, timestamp) => timestamp === 0, partner),
  },
  {
    name: "tolerance-240",
    bug: "a tolerance of 240 s",
    sides: both,
    catches: ["freshness/inside-past", "freshness/inside-future"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        if (typeof body.timestamp === "number" && authenticated(proxied, partner) && Math.abs(nowSeconds() - body.timestamp) > 240)
          return refuse(operation, "G.04");
      }),
  },
];

const memberIdBugs: OneBug[] = [
  {
    name: "unknown-member-id-falls-back",
    bug: "an unknown or missing MEMB_ID falls back to the configured partner",
    sides: both,
    catches: [
      "credentials/MEMB_ID/missing",
      "credentials/MEMB_ID/empty",
      "credentials/MEMB_ID/truncated",
      "credentials/MEMB_ID/other-case",
    ],
    defect: (partner) => ({
      request(proxied) {
        if (
          operationOf(proxied)?.signedWithHash &&
          proxied.query.get("MEMB_ID") !== partner.memberId &&
          proxied.query.getAll("MEMB_ID").length <= 1
        )
          proxied.query.set("MEMB_ID", partner.memberId);
      },
    }),
  },
  {
    name: "parameter-given-twice-crashes",
    bug: "a query parameter given twice is an array, and the code that expects a string throws: 500",
    sides: both,
    catches: [
      "credentials/HASH/given-twice",
      "credentials/HASH/twice-wrong-first",
      "credentials/HASH/twice-wrong-last",
      "credentials/MEMB_ID/given-twice",
    ],
    defect: () => ({
      request(proxied) {
        if (proxied.query.getAll("HASH").length > 1 || proxied.query.getAll("MEMB_ID").length > 1)
          return refuse(operationOf(proxied), "G.01");
      },
    }),
  },
  {
    name: "secure-login-matched-loosely",
    bug: "Kyren's secureLogin matched by prefix",
    sides: ["provider"],
    catches: ["credentials/secureLogin/truncated", "credentials/secureLogin/empty"],
    defect: (partner) =>
      onBody(
        (proxied, operation, body) =>
          void (
            !operation.signedWithHash &&
            typeof body.secureLogin === "string" &&
            partner.memberId.startsWith(body.secureLogin) &&
            body.token === partner.kyrenToken &&
            resign(proxied, partner, body)
          ),
      ),
  },
  {
    name: "secure-login-ignoring-case",
    bug: "Kyren's secureLogin looked up case-insensitively",
    sides: ["provider"],
    catches: ["credentials/secureLogin/other-case"],
    defect: (partner) =>
      onBody(
        (proxied, operation, body) =>
          void (
            !operation.signedWithHash &&
            String(body.secureLogin).toLowerCase() === partner.memberId.toLowerCase() &&
            body.token === partner.kyrenToken &&
            resign(proxied, partner, body)
          ),
      ),
  },
];

/** The body fails the operation's schema (a placeholder body `hash` where it is missing, as a validator would see a signed body). */
const schemaFails = (operation: Operation, body: Record<string, unknown>) =>
  validateRequestBody(facts(operation), operation.bodyHash && typeof body.hash !== "string" ? { ...body, hash: "0".repeat(32) } : body)
    .length > 0;

/** Remembers, per uuid, the first answer and the body it answered (for the idempotency bugs). */
function idempotencyMemory() {
  const fingerprint = (body: Record<string, unknown>) =>
    JSON.stringify(
      Object.entries(body)
        .filter(([key]) => !["hash", "timestamp", "token"].includes(key))
        .map(([key, value]) => [key, key === "uuid" ? String(value).toLowerCase() : value])
        .sort(),
    );
  return { seen: new Map<string, { fingerprint: string; raw: string; status: number; text: string }>(), fingerprint };
}

const orderBugs: OneBug[] = [
  {
    name: "freshness-before-signature",
    bug: "timestamp checked before the signatures",
    sides: both,
    catches: ["order/signature-before-freshness", "order/body-hash-before-freshness"],
    defect: () =>
      onBody((_proxied, operation, body) =>
        typeof body.timestamp === "number" && Math.abs(nowSeconds() - body.timestamp) > TOLERANCE ? refuse(operation, "G.04") : undefined,
      ),
  },
  {
    name: "schema-before-signature",
    bug: "the body validated against the schema before the signature (Kyren: before the credentials)",
    sides: both,
    catches: ["order/signature-before-schema", "order/unknown-partner-before-schema", "credentials/token/not-a-string"],
    defect: () => onBody((_proxied, operation, body) => (schemaFails(operation, body) ? refuse(operation, "V.02") : undefined)),
  },
  {
    name: "json-before-signature",
    bug: "the body parsed as JSON before HASH is checked",
    sides: both,
    catches: ["order/signature-before-json"],
    defect: () => ({
      request: (proxied) =>
        operationOf(proxied) && !objectOf(proxied.body) && proxied.body.length > 0 ? refuse(operationOf(proxied), "V.01") : undefined,
    }),
  },
  {
    name: "size-after-signature",
    bug: "the body size checked after authentication",
    sides: both,
    catches: ["order/size-before-signature"],
    defect: (partner) => ({
      request: (proxied) =>
        operationOf(proxied) && proxied.body.length > maxRequestBodyBytes && !authenticated(proxied, partner)
          ? refuse(operationOf(proxied), "G.00")
          : undefined,
    }),
  },
  {
    name: "media-type-after-signature",
    bug: "the Content-Type checked after authentication",
    sides: both,
    catches: ["order/media-type-before-signature"],
    defect: (partner) => ({
      request: (proxied) =>
        operationOf(proxied) && !/json/i.test(proxied.contentType ?? "") && !authenticated(proxied, partner)
          ? refuse(operationOf(proxied), "G.00")
          : undefined,
    }),
  },
  {
    name: "schema-before-freshness",
    bug: "the schema checked before the timestamp",
    sides: both,
    catches: ["order/freshness-before-schema"],
    defect: (partner) =>
      onBody((proxied, operation, body) =>
        authenticated(proxied, partner) && schemaFails(operation, body) ? refuse(operation, "V.02") : undefined,
      ),
  },
  {
    name: "refused-value-before-schema",
    bug: "gametype table refused before the schema is checked",
    sides: ["provider"],
    catches: ["order/schema-before-refused-value"],
    defect: (partner) =>
      onBody((proxied, operation, body) =>
        authenticated(proxied, partner) && operation.operationId === "enterGameSession" && body.gametype === "table"
          ? refuse(operation, "G.02")
          : undefined,
      ),
  },
  {
    name: "conflict-checked-first",
    bug: "a uuid already used with another body is 409 before anything else is checked",
    sides: ["provider"],
    catches: [
      "order/signature-before-idempotency",
      "order/schema-before-idempotency",
      "order/freshness-before-idempotency",
      "order/refused-value-before-idempotency",
    ],
    defect: () => {
      const memory = idempotencyMemory();
      return {
        request(proxied) {
          const operation = operationOf(proxied);
          const body = objectOf(proxied.body);
          const known = body && typeof body.uuid === "string" ? memory.seen.get(body.uuid.toLowerCase()) : undefined;
          if (operation && body && known && known.fingerprint !== memory.fingerprint(body)) return refuse(operation, "G.03");
        },
        answered(proxied, status, text) {
          const body = objectOf(proxied.body);
          if (status === 200 && body && typeof body.uuid === "string")
            memory.seen.set(body.uuid.toLowerCase(), { fingerprint: memory.fingerprint(body), raw: "", status, text });
        },
      };
    },
  },
  {
    name: "method-before-path",
    bug: "every method but POST is 405, whatever the path",
    sides: both,
    catches: ["order/path-before-method"],
    defect: () => ({
      request: (proxied) => (proxied.method !== "POST" ? { ...refuse(undefined, "G.06"), headers: { allow: "POST" } } : undefined),
    }),
  },
];

const pathBugs: OneBug[] = [
  {
    name: "paths-ignore-case",
    bug: "paths matched case-insensitively",
    sides: both,
    catches: ["paths/lower-case", "paths/upper-case"],
    defect: () => ({
      request(proxied) {
        const path = Object.values(operationsById).find((operation) => operation.path.toLowerCase() === proxied.path.toLowerCase())?.path;
        if (path) proxied.path = path;
      },
    }),
  },
  {
    name: "trailing-slash-ignored",
    bug: "a trailing slash ignored",
    sides: both,
    catches: ["paths/trailing-slash"],
    defect: () => ({ request: (proxied) => void (proxied.path.length > 1 && (proxied.path = proxied.path.replace(/\/+$/, ""))) }),
  },
];

const sizeBugs: OneBug[] = [
  {
    name: "size-limit-in-characters",
    bug: "the body limit counted in characters, not bytes",
    sides: both,
    catches: ["size/over-limit-in-bytes-only"],
    defect: (partner) =>
      onBody((proxied, _operation, body) => {
        if (
          proxied.body.length > maxRequestBodyBytes &&
          [...proxied.body.toString("utf8")].length <= maxRequestBodyBytes &&
          authenticated(proxied, partner)
        ) {
          const { pad: _pad, ...rest } = body;
          resign(proxied, partner, rest);
        }
      }),
  },
  {
    name: "size-limit-off-by-one",
    bug: "a body of exactly 16384 bytes refused (>= instead of >)",
    sides: both,
    catches: ["size/at-limit"],
    defect: () => ({
      request: (proxied) =>
        operationOf(proxied) && proxied.body.length >= maxRequestBodyBytes ? refuse(operationOf(proxied), "V.03") : undefined,
    }),
  },
  {
    name: "size-limit-32-kib",
    bug: "a body limit of 32 KiB",
    sides: both,
    catches: ["size/one-over-limit"],
    defect: (partner) =>
      onBody(
        (proxied, _operation, body) =>
          void (
            proxied.body.length > maxRequestBodyBytes &&
            proxied.body.length <= 32768 &&
            authenticated(proxied, partner) &&
            resign(proxied, partner, body)
          ),
      ),
  },
];

/** The string fields of the request with a value, as `[pointer, value, schema]`. */
function stringValues(operation: Operation, body: Record<string, any>) {
  return stringFields(facts(operation)).flatMap((field) => {
    const names = field.pointer.slice(1).split("/");
    const parent = names.slice(0, -1).reduce<any>((node, name) => node?.[name], body);
    const value = parent?.[names.at(-1)!];
    return typeof value === "string" ? [{ parent, name: names.at(-1)!, value, schema: field.schema }] : [];
  });
}

const lengthBugs: OneBug[] = [
  {
    name: "max-length-in-utf-16-units",
    bug: "maxLength counted in UTF-16 code units (JavaScript's string length)",
    sides: both,
    catches: ["length/at-max-in-four-byte-characters"],
    defect: (partner) =>
      onBody((proxied, operation, body) =>
        authenticated(proxied, partner) &&
        stringValues(operation, body).some(({ value, schema }) => schema.maxLength !== undefined && value.length > schema.maxLength)
          ? refuse(operation, "V.02")
          : undefined,
      ),
  },
  {
    name: "max-length-not-checked",
    bug: "maxLength not checked: long values cut silently",
    sides: both,
    catches: ["length/one-over-max"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        const long = stringValues(operation, body).filter(
          ({ value, schema }) => schema.maxLength !== undefined && [...value].length > schema.maxLength,
        );
        if (!long.length || !authenticated(proxied, partner)) return;
        for (const { parent, name, value, schema } of long) parent[name] = [...value].slice(0, schema.maxLength).join("");
        resign(proxied, partner, body);
      }),
  },
  {
    name: "min-length-not-checked",
    bug: "minLength not checked: short values padded",
    sides: both,
    catches: ["length/one-under-min"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        const short = stringValues(operation, body).filter(
          ({ value, schema }) => schema.minLength !== undefined && [...value].length < schema.minLength,
        );
        if (!short.length || !authenticated(proxied, partner)) return;
        for (const { parent, name, value, schema } of short) parent[name] = value.padEnd(schema.minLength, value.slice(-1) || "a");
        resign(proxied, partner, body);
      }),
  },
];

const caseBugs: OneBug[] = [
  {
    name: "uuid-lower-case-only",
    bug: "uuid must be lower case (the pattern allows upper case)",
    sides: ["provider"],
    catches: ["case/pattern-allows-other-case", "sequence/replay-uuid-in-other-case"],
    defect: () =>
      onBody((_proxied, operation, body) =>
        typeof body.uuid === "string" && body.uuid !== body.uuid.toLowerCase() ? refuse(operation, "V.02") : undefined,
      ),
  },
  {
    name: "patterns-ignore-case",
    bug: "patterns matched case-insensitively (language EN, currency eur accepted)",
    sides: both,
    catches: ["case/pattern-refuses-other-case"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        if (!authenticated(proxied, partner)) return;
        let changed = false;
        for (const { parent, name, value, schema } of stringValues(operation, body)) {
          if (!schema.pattern || new RegExp(schema.pattern, "u").test(value)) continue;
          const other = [value.toLowerCase(), value.toUpperCase()].find((candidate) => new RegExp(schema.pattern, "u").test(candidate));
          if (other !== undefined) [parent[name], changed] = [other, true];
        }
        if (changed) resign(proxied, partner, body);
      }),
  },
  {
    name: "enums-ignore-case",
    bug: "enum values matched case-insensitively",
    sides: ["provider"],
    catches: ["case/enum-other-case"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        const hits = stringValues(operation, body).filter(
          ({ value, schema }) =>
            schema.enum &&
            !schema.enum.includes(value) &&
            schema.enum.some((option: string) => option.toLowerCase() === value.toLowerCase()),
        );
        if (!hits.length || !authenticated(proxied, partner)) return;
        for (const { parent, name, value, schema } of hits)
          parent[name] = schema.enum.find((option: string) => option.toLowerCase() === value.toLowerCase());
        resign(proxied, partner, body);
      }),
  },
  {
    name: "numbers-for-string-enums",
    bug: 'clearHistory 1 (a number) taken for "1"',
    sides: ["provider"],
    catches: ["values/enum-string-as-number"],
    defect: (partner) =>
      onBody(
        (proxied, _operation, body) =>
          void (
            typeof body.clearHistory === "number" &&
            authenticated(proxied, partner) &&
            resign(proxied, partner, { ...body, clearHistory: String(body.clearHistory) })
          ),
      ),
  },
  {
    name: "refused-value-accepted",
    bug: "gametype table accepted (opened as a slot)",
    sides: ["provider"],
    catches: ["values/refused-value", "sequence/retry-after-refused-value"],
    defect: (partner) =>
      onBody(
        (proxied, _operation, body) =>
          void (body.gametype === "table" && authenticated(proxied, partner) && resign(proxied, partner, { ...body, gametype: "slot" })),
      ),
  },
];

const fieldBugs: OneBug[] = [
  {
    name: "unknown-fields-ignored",
    bug: "unknown fields dropped instead of refused",
    sides: ["provider"],
    catches: ["fields/documented-name-in-another-case", "fields/keys-in-byte-order"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        const known = new Set(Object.keys(bodyProperties(facts(operation))));
        if (Object.keys(body).every((key) => known.has(key)) || !authenticated(proxied, partner)) return;
        resign(proxied, partner, Object.fromEntries(Object.entries(body).filter(([key]) => known.has(key))));
      }),
  },
  {
    name: "unknown-fields-refused",
    bug: "unknown fields refused with 400 V.02",
    sides: ["operator"],
    catches: ["fields/documented-name-in-another-case", "fields/keys-in-byte-order"],
    defect: () =>
      onBody((_proxied, operation, body) =>
        Object.keys(body).some((key) => !(key in bodyProperties(facts(operation)))) ? refuse(operation, "V.02") : undefined,
      ),
  },
  {
    name: "body-hash-keys-sorted-by-letters",
    bug: "the canonical string's keys sorted case-insensitively by letters (localeCompare), not by bytes",
    sides: both,
    catches: ["fields/keys-in-byte-order"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        if (!operation.bodyHash || !hashRight(proxied, partner)) return;
        const { hash, ...fields } = body;
        const keys = Object.keys(fields).filter((key) => fields[key] !== null && fields[key] !== undefined);
        const byLetters = [...keys].sort((a, b) => a.localeCompare(b));
        const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        if (byLetters.join() !== byBytes.join() && hash === rightBodyHash(body, partner)) return refuse(operation, "G.00");
      }),
  },
  {
    name: "canonical-string-php-style",
    bug: "the canonical string written with PHP's string conversion: true as 1, false and empty strings left out",
    sides: both,
    catches: ["fields/scalars-in-canonical-string"],
    defect: (partner) =>
      onBody((proxied, operation, body) => {
        if (!operation.bodyHash || !hashRight(proxied, partner)) return;
        const { hash, ...fields } = body;
        const php = Object.fromEntries(
          Object.entries(fields)
            .filter(([, value]) => value !== "" && value !== false)
            .map(([key, value]) => [key, value === true ? 1 : value]),
        );
        if (rightBodyHash(php, partner) !== rightBodyHash(fields, partner) && hash === rightBodyHash(fields, partner))
          return refuse(operation, "G.00");
      }),
  },
  {
    name: "optional-fields-required",
    bug: "every documented field required",
    sides: both,
    catches: ["fields/only-required"],
    defect: () =>
      onBody((_proxied, operation, body) => {
        const optional = Object.keys(bodyProperties(facts(operation))).filter(
          (key) => !requiredFields(facts(operation)).includes(key) && key !== "timestamp" && key !== "token",
        );
        if (optional.some((key) => !(key in body))) return refuse(operation, "V.02");
      }),
  },
  {
    name: "nulls-in-the-canonical-string",
    bug: "null fields written as key= in the canonical string",
    sides: ["operator"],
    catches: ["fields/null-where-nullable"],
    defect: () =>
      onBody((_proxied, operation, body) =>
        operation.bodyHash && Object.values(body).some((value) => value === null) ? refuse(operation, "G.00") : undefined,
      ),
  },
];

const mediaBugs: OneBug[] = [
  {
    name: "charset-refused",
    bug: "a Content-Type with parameters refused",
    sides: both,
    catches: ["media/charset-utf-8", "media/charset-in-upper-case-without-space", "media/charset-quoted"],
    defect: () => ({
      request: (proxied) => (operationOf(proxied) && proxied.contentType?.includes(";") ? refuse(operationOf(proxied), "V.04") : undefined),
    }),
  },
  {
    name: "media-type-case-sensitive",
    bug: "the media type compared case-sensitively",
    sides: both,
    catches: ["media/type-in-upper-case"],
    defect: () => ({
      request: (proxied) =>
        operationOf(proxied) &&
        proxied.contentType &&
        !proxied.contentType.startsWith("application/json") &&
        proxied.contentType.toLowerCase().startsWith("application/json")
          ? refuse(operationOf(proxied), "V.04")
          : undefined,
    }),
  },
  {
    name: "media-type-not-checked",
    bug: "the Content-Type not checked",
    sides: both,
    catches: ["media/form-urlencoded", "media/text-json"],
    defect: () => ({ request: (proxied) => void (operationOf(proxied) && (proxied.contentType = "application/json")) }),
  },
  {
    name: "charset-ignored",
    bug: "the charset parameter ignored",
    sides: both,
    catches: ["media/other-charset"],
    defect: () => ({
      request: (proxied) =>
        void (operationOf(proxied) && proxied.contentType && (proxied.contentType = proxied.contentType.split(";")[0]!)),
    }),
  },
  {
    name: "bytes-decoded-leniently",
    bug: "a body that is not UTF-8 decoded with replacement characters (Buffer.toString)",
    sides: both,
    catches: ["encoding/latin-1-bytes"],
    defect: (partner) => ({
      request(proxied) {
        if (!operationOf(proxied) || objectOf(proxied.body) || (operationOf(proxied)!.signedWithHash && !hashRight(proxied, partner)))
          return;
        const lenient = JSON.parse(proxied.body.toString("latin1"));
        resign(proxied, partner, lenient);
      },
    }),
  },
];

/** `HASH` checked over other bytes than those received: `rewrite(raw)`. */
function hashOverOtherBytes(rewrite: (raw: string, operation: Operation) => string): (partner: OneBugPartner) => ProxyDefect {
  return (partner) => ({
    request(proxied) {
      const operation = operationOf(proxied);
      const body = objectOf(proxied.body);
      if (!operation?.signedWithHash || !body || !hashRight(proxied, partner)) return;
      if (requestSignature(rewrite(proxied.body.toString("utf8"), operation), partner.secret) !== proxied.query.get("HASH"))
        return refuse(operation, "G.00");
    },
  });
}

/** The body rebuilt as a typed object would serialise it: compact, its top-level keys in the order of the documented example (the sender's), unknown ones after. */
function inExampleOrder(raw: string, operation: Operation): string {
  const body = JSON.parse(raw) as Record<string, unknown>;
  const order = Object.keys(requestExample(facts(operation)));
  const keys = [...order.filter((key) => key in body), ...Object.keys(body).filter((key) => !order.includes(key))];
  return JSON.stringify(Object.fromEntries(keys.map((key) => [key, body[key]])));
}

const serialisationBugs: OneBug[] = [
  {
    name: "hmac-over-re-serialised-json",
    bug: "HASH computed over JSON.stringify(JSON.parse(body)), not the bytes received",
    sides: both,
    catches: [
      "serialisation/pretty-printed",
      "serialisation/tabs-and-crlf",
      "serialisation/spaced-separators",
      "serialisation/unicode-escapes",
      "serialisation/escaped-slashes",
      "serialisation/escaped-letters",
      "serialisation/trailing-newline",
      "serialisation/leading-white-space",
    ],
    defect: hashOverOtherBytes((raw) => JSON.stringify(JSON.parse(raw))),
  },
  {
    name: "hmac-over-a-typed-object",
    bug: "HASH computed over the body rebuilt from a typed object (the sender's key order, compact), not the bytes received",
    sides: both,
    catches: ["serialisation/keys-reversed", "serialisation/keys-sorted"],
    defect: hashOverOtherBytes(inExampleOrder),
  },
  {
    name: "canonical-string-from-raw-text",
    bug: "the canonical string built from the raw JSON text (escapes not decoded)",
    sides: both,
    catches: ["serialisation/unicode-escapes", "serialisation/escaped-slashes", "serialisation/escaped-letters"],
    defect: (partner) =>
      onBody((proxied, operation) =>
        operation.bodyHash && hashRight(proxied, partner) && /\\[u/]/.test(proxied.body.toString("utf8"))
          ? refuse(operation, "G.00")
          : undefined,
      ),
  },
  {
    name: "white-space-around-json-refused",
    bug: "a body with white space before or after the JSON refused as malformed",
    sides: both,
    catches: ["serialisation/trailing-newline", "serialisation/leading-white-space"],
    defect: () => ({
      request: (proxied) =>
        operationOf(proxied) && proxied.body.toString("latin1") !== proxied.body.toString("latin1").trim()
          ? refuse(operationOf(proxied), "V.01")
          : undefined,
    }),
  },
];

const sequenceBugs: OneBug[] = [
  {
    name: "uuid-used-by-a-refused-request",
    bug: "the idempotency record is written before the request is checked, so a refused request's answer is replayed (and its uuid used up)",
    sides: ["provider"],
    catches: [
      "sequence/retry-after-signature",
      "sequence/retry-after-stale",
      "sequence/retry-after-schema",
      "sequence/retry-after-refused-value",
    ],
    defect: () => {
      const memory = idempotencyMemory();
      return {
        request(proxied) {
          const operation = operationOf(proxied);
          const body = objectOf(proxied.body);
          if (!operation || !body || typeof body.uuid !== "string") return;
          const known = memory.seen.get(body.uuid.toLowerCase());
          if (known && known.status !== 200)
            return known.fingerprint === memory.fingerprint(body)
              ? { status: known.status, body: JSON.parse(known.text) }
              : refuse(operation, "G.03");
        },
        answered(proxied, status, text) {
          const body = objectOf(proxied.body);
          if (body && typeof body.uuid === "string" && !memory.seen.has(body.uuid.toLowerCase()))
            memory.seen.set(body.uuid.toLowerCase(), { fingerprint: memory.fingerprint(body), raw: "", status, text });
        },
      };
    },
  },
  {
    name: "uuid-compared-case-sensitively",
    bug: "the idempotency key compared case-sensitively: the uuid in upper case is a new request",
    sides: ["provider"],
    catches: ["sequence/replay-uuid-in-other-case"],
    defect: (partner) =>
      onBody(
        (proxied, _operation, body) =>
          void (
            typeof body.uuid === "string" &&
            body.uuid !== body.uuid.toLowerCase() &&
            authenticated(proxied, partner) &&
            resign(proxied, partner, { ...body, uuid: randomUUID() })
          ),
      ),
  },
  {
    name: "fingerprint-over-raw-bytes",
    bug: '"the same body" compared byte for byte (timestamp and hash aside), so a replay serialised otherwise is 409',
    sides: ["provider"],
    catches: ["sequence/replay-serialised-otherwise"],
    defect: () => {
      const raws = new Map<string, string>();
      const rawOf = (proxied: ProxiedRequest) => proxied.body.toString("utf8").replace(/"(timestamp|hash)"\s*:\s*("[^"]*"|\d+)/g, "");
      return {
        request(proxied) {
          const body = objectOf(proxied.body);
          const known = body && typeof body.uuid === "string" ? raws.get(body.uuid) : undefined;
          if (known !== undefined && known !== rawOf(proxied)) return refuse(operationOf(proxied), "G.03");
        },
        answered(proxied, status) {
          const body = objectOf(proxied.body);
          if (status === 200 && body && typeof body.uuid === "string" && !raws.has(body.uuid)) raws.set(body.uuid, rawOf(proxied));
        },
      };
    },
  },
  {
    name: "repeated-callback-refused",
    bug: "a repeated callback refused with 409 G.03 instead of acknowledged",
    sides: ["operator"],
    catches: [
      "sequence/callback-repeat-same-bytes",
      "sequence/callback-repeat-new-timestamp",
      "sequence/callback-repeat-serialised-otherwise",
      "sequence/callback-repeat-without-callback-id",
    ],
    defect: (partner) => {
      const seen = new Set<string>();
      return onBody((proxied, operation, body) => {
        if (!authenticated(proxied, partner)) return;
        const key = String(body.callbackId ?? body.sessionId);
        if (seen.has(key)) return refuse(operation, "G.03");
        seen.add(key);
      });
    },
  },
  {
    name: "refused-callback-recorded",
    bug: "a callback recorded before its signature and timestamp are checked, so its corrected retry is a refused duplicate",
    sides: ["operator"],
    catches: ["sequence/callback-retry-after-signature", "sequence/callback-retry-after-stale"],
    defect: () => {
      const seen = new Map<string, number>();
      return onBody((_proxied, operation, body) => {
        const key = String(body.callbackId ?? body.sessionId);
        const count = seen.get(key) ?? 0;
        seen.set(key, count + 1);
        if (count >= 1) return refuse(operation, "G.03");
      });
    },
  },
];

/** Every one-bug implementation. */
export const oneBugImplementations: OneBug[] = [
  ...credentialBugs("HASH", "HASH", both),
  ...credentialBugs("body hash", "body-hash", both),
  ...credentialBugs("token", "token", ["provider"]),
  ...memberIdBugs,
  ...freshnessBugs,
  ...orderBugs,
  ...pathBugs,
  ...sizeBugs,
  ...lengthBugs,
  ...caseBugs,
  ...fieldBugs,
  ...mediaBugs,
  ...serialisationBugs,
  ...sequenceBugs,
];
