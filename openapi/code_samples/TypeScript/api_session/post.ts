// ENTER with the typed client: it adds the current timestamp and signs the request
// (MEMB_ID and HASH) for you.
import { randomUUID } from "node:crypto";
import { createSessionApiClient } from "@luckymonaco/session-api-client";

const client = createSessionApiClient({
  baseUrl: process.env.BASE_URL ?? "http://127.0.0.1:3000",
  partnerId: process.env.MEMB_ID ?? "demo",
  secret: process.env.SECRET ?? "sandbox-secret",
});

const { data, error, response } = await client.POST("/api/session", {
  body: {
    uuid: randomUUID(), // idempotency key: reuse it only to retry this same request
    gametype: "slot",
    gameid: "lm_monaco_riches",
    player: {
      id: "player-1001",
      nickname: "LuckyLuca",
      language: "en",
      currency: "EUR",
      session: { id: "op-session-77f3a1", ip: "203.0.113.42" },
    },
  },
});

if (error) throw new Error(`ENTER failed with HTTP ${response.status}: ${error.errors.code} ${error.errors.message}`);
console.log("Redirect the player to", data.url);
