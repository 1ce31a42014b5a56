// The reproductions the contract tester prints are exact: run with bash (curl and
// openssl) against a server that records what arrives, each sends the very bytes,
// query and Content-Type of the request it reproduces (signatures, and near misses of
// them, recomputed from $CONTRACT_SECRET), none prints a HASH, a body hash, the secret
// or a Kyren token, nor most of one, and none has a long line (runs of one character,
// the padding of a 16 KiB body, are printf expressions).
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawReproduction, reproduction } from "../../../src/contract/reproduce.js";
import { requestUrl } from "../../../src/contract/http.js";
import { signatureVariants } from "../../../src/contract/signature-variants.js";
import { bodyBytesOf, signed, signedRaw, tampered, type CaseRequest } from "../../../src/contract/signed-requests.js";
import { operationById } from "../../../src/contract/bundle.js";
import { requestHead } from "../../support/raw-http.js";

const run = promisify(execFile);
const credentials = { memberId: "casino-7", secret: "s3cret with spaces & 'quotes' $HOME", kyrenToken: "kyren-token-1" };
const env = { ...process.env, CONTRACT_SECRET: credentials.secret, CONTRACT_KYREN_TOKEN: credentials.kyrenToken };

interface Arrived {
  method: string;
  url: string;
  contentType: string | undefined;
  body: Buffer;
}

let server: Server;
let baseUrl: string;
let arrived: Arrived[] = [];

beforeAll(async () => {
  server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      arrived.push({
        method: incoming.method!,
        url: incoming.url!,
        contentType: incoming.headers["content-type"],
        body: Buffer.concat(chunks),
      });
      outgoing.writeHead(200, { "content-type": "application/json", connection: "close" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const now = Math.floor(Date.now() / 1000);
const enter = operationById("enterGameSession");
const close = operationById("closeSession");
const kyren = operationById("closeSessionKyren");
const expired = operationById("sessionExpired");
const enterBody = {
  uuid: "3f1c2a7e-9b4d-4e2f-8a61-5c0d9e7b1a23",
  timestamp: now,
  gametype: "slot",
  gameid: "lm_monaco_riches",
  player: { id: "Łukasz 🎰 \"q\" 'x'", language: "en", currency: "EUR", session: { id: "s-1", ip: "203.0.113.42" } },
};
const closeBody = { secureLogin: "player $(whoami) `id`", clearHistory: "1", timestamp: now, uuid: "0f1c2a7e-9b4d-4e2f-8a61-5c0d9e7b1a23" };

const requests: Array<[string, CaseRequest]> = [
  ["ENTER, Unicode and quotes in the body", signed(enter, enterBody, credentials)],
  ["V4 close with a body hash, shell syntax in a value", signed(close, closeBody, credentials)],
  ["V4 close, HASH keyed with a wrong secret", signed(close, closeBody, credentials, { wrongHashSecret: true })],
  ["V4 close, body hash keyed with a wrong secret", signed(close, closeBody, credentials, { wrongBodyHashSecret: true })],
  ["V4 close tampered after signing", tampered(close, closeBody, credentials, (body) => (body.secureLogin = "someone-else"))],
  ["V4 close, a stale timestamp", signed(close, { ...closeBody, timestamp: now - 600 }, credentials)],
  ["V4 close padded to 2000 bytes, no Content-Type", signed(close, closeBody, credentials, { padToBytes: 2000, contentType: null })],
  ["V4 close with a top-level object value (unsignable)", signed(close, { ...closeBody, gameId: { nested: true } }, credentials)],
  [
    "Kyren with its token in the body",
    signed(
      kyren,
      { secureLogin: "casino-7", token: credentials.kyrenToken, userId: "p", uuid: closeBody.uuid, timestamp: now },
      credentials,
    ),
  ],
  [
    "Kyren with a wrong token",
    signed(
      kyren,
      { secureLogin: "casino-7", token: `${credentials.kyrenToken}-not-the-secret`, userId: "p", uuid: closeBody.uuid, timestamp: now },
      credentials,
    ),
  ],
  [
    "session expired, text/plain",
    signed(
      expired,
      { providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "p", timestamp: now },
      credentials,
      { contentType: "text/plain" },
    ),
  ],
  ["a body that is not JSON", signedRaw(close, '{"secureLogin":"p"', credentials)],
  ["GET without a body", { method: "GET", path: "/V4/closesession", query: {}, headers: {}, body: "" }],
  ...Object.values(signatureVariants).map((variant): [string, CaseRequest] => [
    `V4 close, HASH ${variant.what}`,
    signed(close, closeBody, credentials, { hashVariant: variant }),
  ]),
  ...Object.values(signatureVariants).map((variant): [string, CaseRequest] => [
    `V4 close, the body hash ${variant.what}`,
    signed(close, closeBody, credentials, { bodyHashVariant: variant }),
  ]),
  ...Object.values(signatureVariants).map((variant): [string, CaseRequest] => [
    `Kyren, the token ${variant.what}`,
    signed(kyren, { secureLogin: "casino-7", token: "x", userId: "p", uuid: closeBody.uuid, timestamp: now }, credentials, {
      kyrenTokenVariant: variant,
    }),
  ]),
  [
    "V4 close, HASH given twice, the right one last",
    signed(close, closeBody, credentials, {
      queryPairs: [
        ["MEMB_ID", { MEMB_ID: true }],
        ["HASH", "0".repeat(64)],
        ["HASH", { HASH: true }],
      ],
    }),
  ],
  [
    "V4 close pretty-printed, keys reversed",
    signed(close, closeBody, credentials, {
      serialise: (body) => JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2),
    }),
  ],
  [
    "ENTER with a Latin-1 byte (not UTF-8)",
    signed(enter, { ...enterBody, player: { ...enterBody.player, id: "caf\u00e9" } }, credentials, {
      bytes: (raw) => Buffer.from(raw, "latin1"),
    }),
  ],
  ["V4 close padded to 16385 bytes", signed(close, closeBody, credentials, { padToBytes: 16385 })],
  [
    "session expired with 8,000 two-byte characters in an unknown field",
    signed(
      expired,
      { providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "p", timestamp: now, pad: "é".repeat(8000) },
      credentials,
    ),
  ],
];

describe("curl reproductions", () => {
  it.each(requests)("%s: the same bytes arrive", async (_title, request) => {
    arrived = [];
    const script = reproduction(request, { baseUrl, secretVariable: "CONTRACT_SECRET", kyrenTokenVariable: "CONTRACT_KYREN_TOKEN" }, now);
    for (const secret of [credentials.secret, credentials.kyrenToken, request.query.HASH, request.signing?.bodyHash?.value].filter(
      (value): value is string => typeof value === "string" && value.length >= 8,
    ))
      expect(script).not.toContain(secret);
    // A near miss of a signature or token is made in the shell too: no 8 characters of one are printed.
    for (const secret of [
      request.query.HASH,
      request.signing?.bodyHash?.value,
      request.signing?.kyrenTokenVariant?.apply(credentials.kyrenToken),
    ].filter((value): value is string => typeof value === "string" && value.length >= 8))
      expect(script).not.toContain(secret);
    expect(Math.max(...script.split("\n").map((line) => line.length)), "no long literal: runs are printf expressions").toBeLessThan(1500);
    await run("bash", ["-c", script], { env, maxBuffer: 16 * 1024 * 1024 });
    expect(arrived).toHaveLength(1);
    const query = new URL(requestUrl("http://x", request)).search.slice(1);
    expect({
      method: arrived[0]!.method,
      url: arrived[0]!.url,
      contentType: arrived[0]!.contentType,
      body: arrived[0]!.body.toString("latin1"),
    }).toEqual({
      method: request.method ?? "POST",
      url: `${request.path}${query ? `?${query}` : ""}`,
      contentType: request.headers["Content-Type"],
      body: bodyBytesOf(request).toString("latin1"),
    });
  });

  it("re-signs for now when TS is set as the comment says, keeping a stale case stale", () => {
    const script = reproduction(
      signed(close, { ...closeBody, timestamp: now - 600 }, credentials),
      { baseUrl, secretVariable: "CONTRACT_SECRET", kyrenTokenVariable: "CONTRACT_KYREN_TOKEN" },
      now,
    );
    expect(script.split("\n")[0]).toMatch(
      new RegExp(`^TS=${now - 600}  # .*TS=\\$\\(\\( \\$\\(date \\+%s\\) - 600 \\)\\) re-signs it for now$`),
    );
  });
});

describe("raw reproductions", () => {
  it("write a long run as a printf expression and still send the exact bytes", async () => {
    arrived = [];
    const bytes = `${requestHead("POST", `/V4/closesession?MEMB_ID=x&pad=${"x".repeat(5000)}`, { "Content-Type": "application/json", "Content-Length": 2 })}{}`;
    const script = rawReproduction(bytes, baseUrl);
    expect(script.length).toBeLessThan(300);
    expect(script).toContain("$(printf -- 'x%.0s' {1..5000})");
    await run("bash", ["-c", script], { env });
    expect(arrived.map((entry) => entry.url)).toEqual([`/V4/closesession?MEMB_ID=x&pad=${"x".repeat(5000)}`]);
  });

  it("send the exact bytes with bash's own TCP client", async () => {
    arrived = [];
    const bytes = `${requestHead("POST", "/V4/closesession?MEMB_ID=x", { "Content-Type": "application/json", "Content-Length": 2 })}{}`;
    await run("bash", ["-c", rawReproduction(bytes, baseUrl)], { env });
    expect(arrived.map((entry) => [entry.url, entry.body.toString()])).toEqual([["/V4/closesession?MEMB_ID=x", "{}"]]);
  });
});
