/**
 * The benchmark's baseline: a bare Fastify 5 server with one POST route at the ENTER
 * path that parses the JSON body (Fastify's default parser) and answers a small JSON
 * body. No validation, no authentication, no store. Env: HOST, PORT, LOG_LEVEL.
 */
import Fastify from "fastify";

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? "warn" } });

app.post("/api/session", async () => ({ url: "https://games.luckymonaco.example/index.html?token=bare" }));
app.get("/health", async () => ({ status: "ok" }));

await app.listen({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 0) });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
