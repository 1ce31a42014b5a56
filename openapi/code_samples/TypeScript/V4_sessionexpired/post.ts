// Session expired is sent BY Lucky Monaco TO your server. A minimal receiver with
// node:http: verify HASH and the body hash before trusting the body, answer per the spec.
import { createServer } from "node:http";
import { verifySignedRequest } from "@luckymonaco/session-api";

const secrets = new Map([["demo", "sandbox-secret"]]); // MEMB_ID -> partner secret

function reply(status: number, body: unknown) {
  return { status, body: JSON.stringify(body) };
}

createServer(async (request, response) => {
  const url = new URL(request.url ?? "/", "http://receiver.local");
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks); // verify the bytes as received, before parsing

  const secret = secrets.get(url.searchParams.get("MEMB_ID") ?? "");
  const check = secret
    ? verifySignedRequest(rawBody, url.searchParams.get("HASH") ?? undefined, secret, true)
    : ({ ok: false, kind: "unauthenticated", reason: "unknown MEMB_ID" } as const);

  const answer = check.ok
    ? reply(200, { error: 0, description: "Success" }) // record JSON.parse(rawBody).sessionId here, idempotently
    : check.kind === "unauthenticated"
      ? reply(401, { error: { code: "G.00", message: `Could not authenticate: ${check.reason}` } })
      : reply(400, { error: { code: "V.01", message: `Malformed request body: ${check.reason}` } });
  response.writeHead(answer.status, { "Content-Type": "application/json" }).end(answer.body);
}).listen(3100, "127.0.0.1");
