// Session expired is sent BY Lucky Monaco TO your server. A minimal receiver with
// node:http that answers as the spec says: verify HASH and the body hash over the bytes
// as received, and the timestamp against your clock, before trusting the body; then
// record each callback once. A callback may arrive more than once (a retry or a
// redelivery), always with the same callbackId: acknowledge a repeat of a callbackId
// already recorded for that MEMB_ID with 200 and do not record it twice (without a
// callbackId, dedupe on MEMB_ID + sessionId). Listens on 127.0.0.1:$PORT (default 3100).
import { createServer } from "node:http";
import { authenticateSignedRequest, sessionExpiredDedupeKey } from "@luckymonaco/session-api-client";

const partners = new Map([["demo", { secret: "sandbox-secret" }]]); // MEMB_ID -> the partner secret
const port = Number(process.env.PORT ?? 3100);
const maxBytes = 16384;
const recorded = new Set<string>(); // dedupe keys of the callbacks recorded (use your database)

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
  if (url.pathname !== "/V4/sessionexpired") answer = failure(404, "G.05", "Not found");
  else if (request.method !== "POST") answer = failure(405, "G.06", "Method not allowed");
  else if (size > maxBytes) answer = failure(413, "V.03", "Payload too large");
  else if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) answer = failure(415, "V.04", "Unsupported media type");
  else {
    const query = { MEMB_ID: url.searchParams.get("MEMB_ID") ?? undefined, HASH: url.searchParams.get("HASH") ?? undefined };
    // Steps 1 to 4 of "Verifying (receivers)": partner, HASH, body hash, timestamp within 300 s.
    const auth = authenticateSignedRequest({ rawBody, ...query, withBodyHash: true }, (memberId) => partners.get(memberId), { toleranceSeconds: 300 });
    // One message for every G.00, so that nobody can probe which partner ids exist.
    if (!auth.ok && auth.kind === "unauthenticated") answer = failure(401, "G.00", "Could not authenticate: MEMB_ID, HASH or the body hash is not valid");
    else if (!auth.ok && auth.kind === "expired") answer = failure(401, "G.04", `Request expired: ${auth.reason}`);
    else if (!auth.ok) answer = failure(400, auth.kind === "malformed-body" ? "V.01" : "V.02", auth.reason);
    else {
      const body = JSON.parse(rawBody.toString("utf8"));
      const missing = ["providerId", "sessionId", "playerId"].find((name) => typeof body[name] !== "string" || body[name] === "");
      const key = sessionExpiredDedupeKey(auth.memberId, body); // MEMB_ID + callbackId (or sessionId without one)
      if (missing) answer = failure(400, "V.02", `Invalid request: body.${missing} must be a non-empty string`);
      // Unknown fields are ignored (they are signed too). A repeat is acknowledged, not recorded again.
      else if (!recorded.has(key)) {
        recorded.add(key);
        console.log(`session ${body.sessionId} of player ${body.playerId} expired`); // record it here
      }
    }
  }
  response.writeHead(answer.status, { "Content-Type": "application/json" }).end(JSON.stringify(answer.body));
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/V4/sessionexpired`));
