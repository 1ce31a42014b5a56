// Session expired is sent BY Lucky Monaco TO your server. A minimal receiver with
// node:http that answers as the spec says: verify HASH and the body hash over the bytes
// as received, before trusting the body; then record the expiry (idempotently: the same
// sessionId may arrive more than once). For a full receiver see src/operator/.
import { createServer } from "node:http";
import { authenticateSignedRequest } from "@luckymonaco/session-api-client";

const partners = new Map([["demo", { secret: "sandbox-secret" }]]); // MEMB_ID -> the partner secret
const port = Number(process.env.PORT ?? 3100);
const maxBytes = 16384;

const failure = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });

createServer(async (request, response) => {
  const url = new URL(request.url ?? "/", "http://receiver.local");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  const rawBody = Buffer.concat(chunks);

  let answer: { status: number; body: unknown } = { status: 200, body: { error: 0, description: "Success" } };
  if (request.method !== "POST" || url.pathname !== "/V4/sessionexpired") answer = { status: 404, body: { message: "not found" } };
  else if (size > maxBytes) answer = failure(413, "V.03", "Payload too large");
  else if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) answer = failure(415, "V.04", "Unsupported media type");
  else {
    const query = { MEMB_ID: url.searchParams.get("MEMB_ID") ?? undefined, HASH: url.searchParams.get("HASH") ?? undefined };
    const auth = authenticateSignedRequest({ rawBody, ...query, withBodyHash: true }, (memberId) => partners.get(memberId));
    if (!auth.ok && auth.kind === "unauthenticated") answer = failure(401, "G.00", `Could not authenticate: ${auth.reason}`);
    else if (!auth.ok) answer = failure(400, auth.kind === "malformed-body" ? "V.01" : "V.02", auth.reason);
    else {
      const { sessionId, playerId } = JSON.parse(rawBody.toString("utf8"));
      console.log(`session ${sessionId} of player ${playerId} expired`); // record it here
    }
  }
  response.writeHead(answer.status, { "Content-Type": "application/json" }).end(JSON.stringify(answer.body));
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/V4/sessionexpired`));
