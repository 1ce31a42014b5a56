// Kyren v1 CloseSession with the typed client. Kyren is authenticated by secureLogin and
// token in the body, so the client adds no signature to this call, only the timestamp.
import { randomUUID } from "node:crypto";
import { createSessionApiClient } from "@luckymonaco/session-api-client";

const client = createSessionApiClient({
  baseUrl: process.env.BASE_URL ?? "http://127.0.0.1:3000",
  partnerId: process.env.MEMB_ID ?? "demo",
  secret: process.env.SECRET ?? "sandbox-secret",
});

const { data, error, response } = await client.POST("/v1/CloseSession", {
  body: {
    secureLogin: process.env.PARTNER_ID ?? "demo",
    token: process.env.TOKEN ?? "sandbox-token",
    userId: "player-1001",
    gameId: "6_speed_baccarat1",
    uuid: randomUUID(),
  },
});

if (error) throw new Error(`Kyren CloseSession failed with HTTP ${response.status}: ${error.error} ${error.description}`);
console.log(data.description); // "Success"
