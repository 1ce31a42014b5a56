// Signature diagnostics: each usual signing mistake, built here with
// this test's own code (never with the diagnosis module's recomputation), is sent to the
// reference server and gets a 401 G.00 whose message names it: in the sandbox, and
// outside it when the mistake needs the secret. The message never holds the expected
// HASH or body hash; the sandbox adds the canonical string of a body whose hash is
// wrong; a random HASH still gets the plain message. Every entry of the diagnosis
// tables has a case here (the last test checks that).
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateSignedRequest } from "@luckymonaco/session-api-client";
import {
  bodyHashMistakes,
  DIAGNOSED_HASH_BODY_BYTES,
  diagnoseSignature,
  hashMistakes,
  MAX_DIAGNOSED_DEPTH,
} from "../../../packages/session-api-client/src/signature-diagnosis.js";
import type { Partner } from "../../../src/partners/directory.js";
import { bodyHash, canonicalString, requestSignature } from "@luckymonaco/session-api-client";
import { bundledSpec } from "../../support/spec-views.js";
import { messageMaxLength } from "../../../src/shared/message-limit.js";
import { startTestReceiver, startTestServer, type TestServer } from "../../support/servers.js";
import { repoRoot } from "../../../src/shared/spec-document.js";

const SANDBOX_SECRET = "sandbox-secret";
const casino = {
  memberId: "casino-one",
  secret: "casino-one-secret-0001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: false,
} satisfies Partner;
const hexKeyed = {
  memberId: "hex-keyed",
  secret: "00112233445566778899aabbccddeeff",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: false,
} satisfies Partner;

let sandbox: TestServer;
let production: TestServer;
beforeAll(async () => {
  [sandbox, production] = await Promise.all([startTestServer(), startTestServer({ partners: [casino, hexKeyed] })]);
});
afterAll(async () => void (await Promise.all([sandbox?.close(), production?.close()])));

const md5 = (text: string | Buffer) => createHash("md5").update(text).digest("hex");
const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");
const hmac = (algorithm: string, key: string | Buffer, message: string | Buffer) =>
  createHmac(algorithm, key).update(message).digest("hex");

/** A request to send: the exact body bytes and the HASH as a partner with the mistake computed them. */
interface Attempt {
  rawBody: string;
  HASH: string;
  /** The query string written by hand (e.g. an unencoded `+`) instead of URLSearchParams. */
  rawQuery?: boolean;
}

async function send(server: TestServer, memberId: string, attempt: Attempt, path = "/V4/closesession") {
  const url = attempt.rawQuery
    ? `${server.baseUrl}${path}?MEMB_ID=${memberId}&HASH=${attempt.HASH}`
    : `${server.baseUrl}${path}?${new URLSearchParams({ MEMB_ID: memberId, HASH: attempt.HASH })}`;
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: attempt.rawBody });
  const text = await response.text();
  return {
    status: response.status,
    text,
    message: (JSON.parse(text) as { error: { code: string; message: string } }).error.message,
    code: (JSON.parse(text) as { error: { code: string } }).error.code,
  };
}

const now = () => Math.floor(Date.now() / 1000);
/** A close session body with a body hash, as fields in body order. */
const closeFields = (extra: Record<string, unknown> = {}) => ({
  secureLogin: "player-1001",
  gameId: "lm_monaco_riches",
  clearHistory: "1",
  timestamp: now(),
  ...extra,
});
const withHash = (fields: Record<string, unknown>, secret: string, hash = bodyHash(fields, secret)) => ({ ...fields, hash });
/** Correct bytes with a correct body hash, HASH computed by `sign` over whatever the mistake signs. */
const hashCase = (secret: string, build: (raw: string, body: Record<string, unknown>) => Attempt, extra: Record<string, unknown> = {}) => {
  const body = withHash(closeFields(extra), secret);
  return build(JSON.stringify(body), body);
};
/** Correct HASH over the bytes sent, whose body hash was computed with a mistake. */
const bodyHashCase = (
  secret: string,
  mistakenHash: (fields: Record<string, unknown>) => string,
  fields: Record<string, unknown> = closeFields(),
) => {
  const rawBody = JSON.stringify(withHash(fields, secret, mistakenHash(fields)));
  return { rawBody, HASH: requestSignature(rawBody, secret) };
};

/** Each HASH mistake, as a partner makes it. `withSecret` false: the value needs no secret (sandbox only). */
const hashCases: Record<string, { withSecret: boolean; build: (secret: string) => Attempt; hexSecret?: boolean }> = {
  "upper-case-hex": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: requestSignature(raw, secret).toUpperCase() })),
  },
  base64: {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw) => ({ rawBody: raw, HASH: Buffer.from(requestSignature(raw, secret), "hex").toString("base64") })),
  },
  "compact-json": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw, body) => ({ rawBody: JSON.stringify(body, null, "\t"), HASH: requestSignature(raw, secret) })),
  },
  "pretty-printed-2": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw, body) => ({ rawBody: raw, HASH: requestSignature(JSON.stringify(body, null, 2), secret) })),
  },
  "pretty-printed-4": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw, body) => ({ rawBody: raw, HASH: requestSignature(JSON.stringify(body, null, 4), secret) })),
  },
  "spaced-separators": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw) => ({
        rawBody: raw,
        HASH: requestSignature(raw.replace(/","/g, '", "').replace(/":/g, '": ').replace(/,"/g, ', "'), secret),
      })),
  },
  "trailing-newline-signed": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: requestSignature(`${raw}\n`, secret) })),
  },
  "trailing-newline-sent": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw) => ({ rawBody: `${raw}\n`, HASH: requestSignature(raw, secret) })),
  },
  "escaped-unicode": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw) => ({ rawBody: raw, HASH: requestSignature(raw.replace(/ü/g, "\\u00fc"), secret) }), {
        secureLogin: "jürgen.müller",
      }),
  },
  "escaped-unicode-and-slashes": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw) => ({ rawBody: raw, HASH: requestSignature(raw.replace(/ü/g, "\\u00fc").replace(/\//g, "\\/"), secret) }), {
        secureLogin: "jürgen/müller",
      }),
  },
  "unescaped-unicode": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw) => ({ rawBody: raw.replace(/ü/g, "\\u00fc"), HASH: requestSignature(raw, secret) }), {
        secureLogin: "jürgen.müller",
      }),
  },
  "sorted-keys": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw, body) => ({
        rawBody: raw,
        HASH: requestSignature(JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1)))), secret),
      })),
  },
  "before-body-hash": {
    withSecret: true,
    build: (secret) =>
      hashCase(secret, (raw, { hash: _hash, ...rest }) => ({ rawBody: raw, HASH: requestSignature(JSON.stringify(rest), secret) })),
  },
  "md5-body-and-secret": { withSecret: true, build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: md5(raw + secret) })) },
  "sha256-body-and-secret": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: sha256(raw + secret) })),
  },
  "hmac-key-and-message-swapped": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: hmac("sha256", raw, secret) })),
  },
  "hmac-hex-decoded-secret": {
    withSecret: true,
    hexSecret: true,
    build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: hmac("sha256", Buffer.from(secret, "hex"), raw) })),
  },
  "hmac-of-canonical-string": {
    withSecret: true,
    build: (secret) => hashCase(secret, (raw, body) => ({ rawBody: raw, HASH: hmac("sha256", secret, canonicalString(body)) })),
  },
  "md5-body": { withSecret: false, build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: md5(raw) })) },
  "sha256-body": { withSecret: false, build: (secret) => hashCase(secret, (raw) => ({ rawBody: raw, HASH: sha256(raw) })) },
};

/** The canonical string of `fields` written by hand with each mistake (fields in body order, no hash). */
const sortedEntries = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .filter(([, value]) => value !== null)
    .sort(([a], [b]) => (a < b ? -1 : 1));
const written = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
const bodyHashCases: Record<string, { build: (secret: string) => Attempt }> = {
  "upper-case-hex": { build: (secret) => bodyHashCase(secret, (fields) => bodyHash(fields, secret).toUpperCase()) },
  "url-encoded": {
    build: (secret) =>
      bodyHashCase(
        secret,
        (fields) =>
          md5(
            sortedEntries(fields)
              .map(([k, v]) => `${k}=${encodeURIComponent(written(v))}`)
              .join("&") + secret,
          ),
        closeFields({ secureLogin: "luca rossi@casino" }),
      ),
  },
  "form-encoded": {
    build: (secret) =>
      bodyHashCase(
        secret,
        (fields) =>
          md5(
            sortedEntries(fields)
              .map(([k, v]) => `${k}=${written(v).replace(/ /g, "+").replace(/@/g, "%40")}`)
              .join("&") + secret,
          ),
        closeFields({ secureLogin: "luca rossi@casino" }),
      ),
  },
  "form-encoded-php": {
    build: (secret) =>
      bodyHashCase(
        secret,
        (fields) =>
          md5(
            sortedEntries(fields)
              .map(([k, v]) => `${k}=${written(v).replace(/ /g, "+").replace(/\*/g, "%2A")}`)
              .join("&") + secret,
          ),
        closeFields({ secureLogin: "luca* rossi" }),
      ),
  },
  "unsorted-keys": {
    build: (secret) =>
      bodyHashCase(secret, (fields) =>
        md5(
          Object.entries(fields)
            .map(([k, v]) => `${k}=${written(v)}`)
            .join("&") + secret,
        ),
      ),
  },
  "hash-included": {
    build: (secret) =>
      bodyHashCase(secret, (fields) =>
        md5(
          sortedEntries({ ...fields, hash: "" })
            .map(([k, v]) => `${k}=${written(v)}`)
            .join("&") + secret,
        ),
      ),
  },
  "null-included": {
    build: (secret) =>
      bodyHashCase(
        secret,
        (fields) =>
          md5(
            Object.entries(fields)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => `${k}=${v === null ? "" : written(v)}`)
              .join("&") + secret,
          ),
        closeFields({ gameId: null }),
      ),
  },
  "php-booleans": {
    build: (secret) =>
      bodyHashCase(
        secret,
        (fields) =>
          md5(
            sortedEntries(fields)
              .map(([k, v]) => `${k}=${v === true ? "1" : v === false ? "" : written(v)}`)
              .join("&") + secret,
          ),
        closeFields({ final: true, resumed: false }),
      ),
  },
  "json-quoted-strings": {
    build: (secret) =>
      bodyHashCase(secret, (fields) =>
        md5(
          sortedEntries(fields)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join("&") + secret,
        ),
      ),
  },
  "secret-not-appended": { build: (secret) => bodyHashCase(secret, (fields) => md5(canonicalString(fields))) },
  "secret-prepended": { build: (secret) => bodyHashCase(secret, (fields) => md5(secret + canonicalString(fields))) },
  sha256: { build: (secret) => bodyHashCase(secret, (fields) => sha256(canonicalString(fields) + secret)) },
  "hmac-sha256": { build: (secret) => bodyHashCase(secret, (fields) => hmac("sha256", secret, canonicalString(fields))) },
  "hmac-md5": { build: (secret) => bodyHashCase(secret, (fields) => hmac("md5", secret, canonicalString(fields))) },
};

const hintOf = (table: typeof hashMistakes, id: string) => table.find((mistake) => mistake.id === id)!.hint;
const UNDISCLOSED = "Could not authenticate: MEMB_ID, HASH or the body hash is not valid";

/** The values a message must never hold: the expected HASH over the bytes sent and the expected body hash. */
function expectedSignatures(attempt: Attempt, secret: string): string[] {
  const { hash: _hash, ...fields } = JSON.parse(attempt.rawBody) as Record<string, unknown>;
  return [requestSignature(attempt.rawBody, secret), bodyHash(fields, secret)];
}

describe("HASH mistakes", () => {
  it.each(Object.entries(hashCases))("%s: named in the sandbox", async (id, { build, hexSecret }) => {
    if (hexSecret) return; // the sandbox secret is not hex; the production case below covers it
    const attempt = build(SANDBOX_SECRET);
    const answer = await send(sandbox, "demo", attempt);
    expect([answer.status, answer.code, answer.message]).toEqual([401, "G.00", `Could not authenticate: ${hintOf(hashMistakes, id)}`]);
    for (const expected of expectedSignatures(attempt, SANDBOX_SECRET)) expect(answer.text).not.toContain(expected);
  });

  it.each(Object.entries(hashCases))(
    "%s: outside the sandbox, named only when it needs the secret",
    async (id, { build, withSecret, hexSecret }) => {
      const partner = hexSecret ? hexKeyed : casino;
      const attempt = build(partner.secret);
      const answer = await send(production, partner.memberId, attempt);
      expect([answer.status, answer.code]).toEqual([401, "G.00"]);
      expect(answer.message).toBe(withSecret ? `Could not authenticate: ${hintOf(hashMistakes, id)}` : UNDISCLOSED);
      for (const expected of expectedSignatures(attempt, partner.secret)) expect(answer.text).not.toContain(expected);
    },
  );

  it("names upper case on top of another mistake, and reads a base64 + sent unencoded in the query", async () => {
    const upper = hashCases["md5-body-and-secret"]!.build(SANDBOX_SECRET);
    const answer = await send(sandbox, "demo", { ...upper, HASH: upper.HASH.toUpperCase() });
    expect(answer.message).toBe(`Could not authenticate: ${hintOf(hashMistakes, "md5-body-and-secret")}; also send lower-case hex`);
    // The first player id whose HASH in base64 has a "+", which a hand-written query string sends unencoded (read as a space).
    const base64 = Array.from({ length: 100 }, (_, index) => {
      const rawBody = JSON.stringify(withHash(closeFields({ secureLogin: `player-${index}` }), SANDBOX_SECRET));
      return { rawBody, HASH: Buffer.from(requestSignature(rawBody, SANDBOX_SECRET), "hex").toString("base64") };
    }).find((attempt) => attempt.HASH.includes("+"))!;
    const unencoded = await send(sandbox, "demo", { ...base64, rawQuery: true });
    expect(unencoded.message).toBe(`Could not authenticate: ${hintOf(hashMistakes, "base64")}`);
  });

  it("answers a random HASH with the plain message, in the sandbox and outside it", async () => {
    const raw = JSON.stringify(withHash(closeFields(), SANDBOX_SECRET));
    const random = { rawBody: raw, HASH: "0123456789abcdef".repeat(4) };
    expect((await send(sandbox, "demo", random)).message).toBe("Could not authenticate: HASH does not match the request body");
    const productionRaw = JSON.stringify(withHash(closeFields(), casino.secret));
    expect((await send(production, casino.memberId, { rawBody: productionRaw, HASH: random.HASH })).message).toBe(UNDISCLOSED);
    expect((await send(production, "nobody-here", { rawBody: productionRaw, HASH: random.HASH })).text).toBe(
      (await send(production, casino.memberId, { rawBody: productionRaw, HASH: random.HASH })).text,
    );
  });

  it(`does not diagnose the HASH of a body over ${DIAGNOSED_HASH_BODY_BYTES} bytes: a caller without the secret gets a bounded amount of work`, async () => {
    const padding = "x".repeat(DIAGNOSED_HASH_BODY_BYTES);
    const upper = hashCase(SANDBOX_SECRET, (raw) => ({ rawBody: raw, HASH: requestSignature(raw, SANDBOX_SECRET).toUpperCase() }), {
      note: padding,
    });
    expect((await send(sandbox, "demo", upper)).message).toBe("Could not authenticate: HASH does not match the request body");
    const small = hashCase(SANDBOX_SECRET, (raw) => ({ rawBody: raw, HASH: requestSignature(raw, SANDBOX_SECRET).toUpperCase() }), {
      note: padding.slice(0, DIAGNOSED_HASH_BODY_BYTES - 300),
    });
    expect(Buffer.byteLength(small.rawBody)).toBeLessThanOrEqual(DIAGNOSED_HASH_BODY_BYTES);
    expect((await send(sandbox, "demo", small)).message).toBe(`Could not authenticate: ${hintOf(hashMistakes, "upper-case-hex")}`);
  });

  it(`re-serialises only bodies no deeper than ${MAX_DIAGNOSED_DEPTH}: pretty-printing deep nesting grows with the square of the depth`, () => {
    const diagnose = (body: unknown, HASH: string) =>
      diagnoseSignature({ rawBody: Buffer.from(JSON.stringify(body)), HASH, secret: SANDBOX_SECRET, withBodyHash: false });
    const shallow = { player: { session: { id: "s" } } };
    expect(diagnose(shallow, requestSignature(JSON.stringify(shallow, null, 2), SANDBOX_SECRET))?.mistake).toBe("pretty-printed-2");
    const deep = { a: [[[[["too deep"]]]]] };
    expect(diagnose(deep, requestSignature(JSON.stringify(deep, null, 2), SANDBOX_SECRET))?.mistake).toBeUndefined();
    expect(
      diagnose(deep, requestSignature(JSON.stringify(deep), SANDBOX_SECRET).toUpperCase())?.mistake,
      "mistakes that do not re-serialise still apply",
    ).toBe("upper-case-hex");
  });

  it("diagnoses ENTER (no body hash) the same way", async () => {
    const raw = JSON.stringify({
      uuid: crypto.randomUUID(),
      gametype: "slot",
      gameid: "lm_monaco_riches",
      player: { id: "p", language: "en", currency: "EUR", session: { id: "s", ip: "203.0.113.9" } },
      timestamp: now(),
    });
    const response = await fetch(`${sandbox.baseUrl}/api/session?MEMB_ID=demo&HASH=${requestSignature(`${raw}\n`, SANDBOX_SECRET)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw,
    });
    expect(await response.json()).toEqual({
      errors: { code: "G.00", message: `Could not authenticate: ${hintOf(hashMistakes, "trailing-newline-signed")}` },
    });
  });
});

describe("body hash mistakes", () => {
  it.each(Object.entries(bodyHashCases))("%s: named, with the canonical string in the sandbox only", async (id, { build }) => {
    const attempt = build(SANDBOX_SECRET);
    const { hash: _hash, ...fields } = JSON.parse(attempt.rawBody) as Record<string, unknown>;
    const answer = await send(sandbox, "demo", attempt);
    expect([answer.status, answer.code, answer.message]).toEqual([
      401,
      "G.00",
      `Could not authenticate: ${hintOf(bodyHashMistakes, id)}; the canonical string of this body is "${canonicalString(fields)}"`,
    ]);
    for (const expected of expectedSignatures(attempt, SANDBOX_SECRET)) expect(answer.text).not.toContain(expected);

    const outside = await send(production, casino.memberId, build(casino.secret));
    expect([outside.status, outside.code, outside.message]).toEqual([
      401,
      "G.00",
      `Could not authenticate: ${hintOf(bodyHashMistakes, id)}`,
    ]);
  });

  it("answers a random body hash with the plain message and, in the sandbox, the canonical string", async () => {
    const fields = closeFields();
    const attempt = bodyHashCase(SANDBOX_SECRET, () => "f".repeat(32), fields);
    expect((await send(sandbox, "demo", attempt)).message).toBe(
      `Could not authenticate: the body hash does not match the body; the canonical string of this body is "${canonicalString(fields)}"`,
    );
    expect(
      (
        await send(
          production,
          casino.memberId,
          bodyHashCase(casino.secret, () => "f".repeat(32)),
        )
      ).message,
    ).toBe(UNDISCLOSED);
  });

  it("cuts a long canonical string, and stays within the message's maxLength for a 16 KiB body of unknown fields", async () => {
    const many = Object.fromEntries(Array.from({ length: 1400 }, (_, index) => [`f${index}`, "v"]));
    const attempt = bodyHashCase(SANDBOX_SECRET, () => "f".repeat(32), { ...closeFields(), ...many });
    expect(attempt.rawBody.length).toBeLessThanOrEqual(16384);
    const answer = await send(sandbox, "demo", attempt);
    expect(answer.status).toBe(401);
    expect(answer.message).toMatch(/the canonical string of this body is "clearHistory=1&f0=v&f1=v&.*…"$/);
    expect([...answer.message].length).toBeLessThanOrEqual(
      messageMaxLength(bundledSpec, { schema: "V4Failure", message: "/error/message" }),
    );
  });
});

it("on the operator receiver too: shows the canonical string to the caller but writes it to no log line (it may hold a player's token)", async () => {
  const lines: string[] = [];
  const logged = await startTestReceiver(undefined, {
    logger: { level: "trace", stream: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) },
  });
  try {
    const token = "player-token-0f3a9c1d";
    const fields = {
      providerId: "luckymonaco",
      sessionId: "0123456789abcdef0123456789abcdef",
      playerId: "player-1001",
      token,
      timestamp: now(),
    };
    const attempt = bodyHashCase(SANDBOX_SECRET, () => "f".repeat(32), fields);
    const answer = await send({ baseUrl: logged.baseUrl } as TestServer, "demo", attempt, "/V4/sessionexpired");
    expect(answer.message).toContain(`token=${token}`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(token))).toEqual([]);
  } finally {
    await logged.close();
  }
});

describe("authenticateSignedRequest (exported for operators' receivers)", () => {
  const find = (id: string) => (id === "demo" ? { secret: SANDBOX_SECRET } : undefined);
  const parts = (attempt: Attempt) => ({ rawBody: Buffer.from(attempt.rawBody), MEMB_ID: "demo", HASH: attempt.HASH, withBodyHash: true });

  it("returns the diagnosis with the failure, and none when asked for none", () => {
    const attempt = hashCases["upper-case-hex"]!.build(SANDBOX_SECRET);
    expect(authenticateSignedRequest(parts(attempt), find)).toEqual({
      ok: false,
      kind: "unauthenticated",
      reason: "HASH does not match the request body",
      diagnosis: { signature: "HASH", mistake: "upper-case-hex", hint: hintOf(hashMistakes, "upper-case-hex"), canonicalString: undefined },
    });
    expect(authenticateSignedRequest(parts(attempt), find, { diagnose: false })).toEqual({
      ok: false,
      kind: "unauthenticated",
      reason: "HASH does not match the request body",
    });
  });

  it("tries the mistakes that need no secret only in scope all", () => {
    const attempt = hashCases["md5-body"]!.build(SANDBOX_SECRET);
    expect(authenticateSignedRequest(parts(attempt), find)).toMatchObject({
      diagnosis: { signature: "HASH", mistake: undefined, hint: undefined },
    });
    expect(authenticateSignedRequest(parts(attempt), find, { diagnose: "all" })).toMatchObject({ diagnosis: { mistake: "md5-body" } });
  });

  it("has no diagnosis for an unknown partner or a missing HASH", () => {
    const attempt = hashCases["upper-case-hex"]!.build(SANDBOX_SECRET);
    expect(authenticateSignedRequest({ ...parts(attempt), MEMB_ID: "nobody" }, find)).not.toHaveProperty("diagnosis");
    expect(authenticateSignedRequest({ ...parts(attempt), HASH: undefined }, find)).not.toHaveProperty("diagnosis");
  });
});

it("is explained for partners in the signing guide: each hint's wording is in its 'If you get 401 G.00' section", () => {
  const guide = readFileSync(join(repoRoot, "openapi/docs/signing.md"), "utf8");
  const section = guide.slice(guide.indexOf("### If you get 401 G.00"), guide.indexOf("### Shell one-liners"));
  const wordings = [...hashMistakes, ...bodyHashMistakes].map(
    (mistake) =>
      /^HASH covers other bytes than those sent \((.*)\): /.exec(mistake.hint)?.[1] ?? mistake.hint.slice(0, mistake.hint.indexOf(": ")),
  );
  expect(wordings.filter((wording) => !section.includes(wording))).toEqual([]);
});

it("has a case here for every mistake of the diagnosis tables", () => {
  expect(Object.keys(hashCases).sort()).toEqual(hashMistakes.map((mistake) => mistake.id).sort());
  expect(Object.keys(bodyHashCases).sort()).toEqual(bodyHashMistakes.map((mistake) => mistake.id).sort());
});
