// V4 close session with the typed client: it adds the current timestamp, the body hash
// and HASH for you. The uuid makes a replay of this call close nothing new.
import { randomUUID } from "node:crypto";
import { createSessionApiClient } from "@luckymonaco/session-api-client";

const client = createSessionApiClient({
  baseUrl: process.env.BASE_URL ?? "http://127.0.0.1:3000",
  partnerId: process.env.MEMB_ID ?? "demo",
  secret: process.env.SECRET ?? "sandbox-secret",
});

const { data, error, response } = await client.POST("/V4/closesession", {
  body: { secureLogin: "player-1001", gameId: "lm_monaco_riches", clearHistory: "1", uuid: randomUUID() },
});

if (error) throw new Error(`close session failed with HTTP ${response.status}: ${error.error.code} ${error.error.message}`);
console.log(data.description); // "Success"
