// Session expired is sent BY Lucky Monaco TO your server. A minimal receiver with
// node:http: verify HASH and the body hash over the bytes as received, before trusting
// the body; then record the expiry (idempotently: it may arrive more than once).
import { createServer } from "node:http";
import { authenticateSignedRequest } from "@luckymonaco/session-api";

const secrets = new Map([["demo", "sandbox-secret"]]); // MEMB_ID -> partner secret
const port = Number(process.env.PORT ?? 3100);

createServer(async (request, response) => {
  const url = new URL(request.url ?? "/", "http://receiver.local");
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);

  const auth = authenticateSignedRequest(
    { rawBody, MEMB_ID: url.searchParams.get("MEMB_ID") ?? undefined, HASH: url.searchParams.get("HASH") ?? undefined, withBodyHash: true },
    (memberId) => secrets.get(memberId),
  );
  let status = 200;
  let answer: unknown = { error: 0, description: "Success" };
  if (!auth.ok && auth.kind === "unauthenticated") {
    status = 401;
    answer = { error: { code: "G.00", message: `Could not authenticate: ${auth.reason}` } };
  } else if (!auth.ok) {
    status = 400;
    answer = { error: { code: "V.01", message: `Malformed request body: ${auth.reason}` } };
  } else {
    const { sessionId, playerId } = JSON.parse(rawBody.toString("utf8"));
    console.log(`session ${sessionId} of player ${playerId} expired`); // record it here
  }
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/V4/sessionexpired`));
