/**
 * `npx session-api-sandbox` (package `@luckymonaco/session-api-sandbox`,
 * src/packaging/bundled.ts): the reference server (src/server/main.ts) as a local sandbox
 * for partners' development and CI, as people run stripe-mock. It always runs with the
 * public sandbox partner (`MEMB_ID` `demo`, secret `sandbox-secret`, Kyren `demo` /
 * `sandbox-token`) and serves the docs and the signing playground at `/docs/`.
 *
 * Its defaults differ from `npm start` where a throwaway process wants them to:
 * - `DATABASE_URL` `:memory:`: every start is empty and nothing is written to disk (set a
 *   file path, say `./sandbox.db`, to keep sessions across restarts);
 * - `LAUNCH_TOKEN_SECRET`: a random one per start, unless set (no secret file is written);
 * - `SHUTDOWN_DRAIN_SECONDS` 0: no load balancer to drain, so SIGTERM stops at once.
 * Every other variable of the server applies (`PORT`, default 3000; `HOST`, default
 * 127.0.0.1; `SESSION_IDLE_TIMEOUT_SECONDS`; `SANDBOX_CALLBACK_URL`, to receive the
 * sandbox partner's session expired callbacks; `LOG_LEVEL` …). `PARTNERS_FILE` is refused:
 * a server with real partners is the reference server, not the sandbox.
 *
 * Exit status: 2 for `PARTNERS_FILE` or an unknown argument, 0 after `--help`; otherwise
 * as the server's (1 when it cannot start).
 */
import { randomBytes } from "node:crypto";

const usage = `usage: session-api-sandbox [--help]
Starts a local sandbox of the Lucky Monaco session API: the reference server with the
public sandbox partner (MEMB_ID demo, secret sandbox-secret; Kyren secureLogin demo,
token sandbox-token), its docs and signing playground at /docs/.
Environment:
  PORT            TCP port (default 3000; 0 picks a free one)
  HOST            interface (default 127.0.0.1; 0.0.0.0 inside a container)
  DATABASE_URL    :memory: (default: empty at every start) or a SQLite file path
  SANDBOX_CALLBACK_URL  your receiver's base URL: the sandbox sends its session expired
                  callbacks there (POST /V4/sessionexpired, signed with sandbox-secret)
  SESSION_IDLE_TIMEOUT_SECONDS, LOG_LEVEL and the reference server's other variables
Stop it with Ctrl-C or SIGTERM.`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(usage);
  process.exit(0);
}
if (args.length > 0) {
  console.error(`session-api-sandbox: unknown argument ${args[0]}\n${usage}`);
  process.exit(2);
}
if (process.env.PARTNERS_FILE) {
  console.error("session-api-sandbox: PARTNERS_FILE is not used here: the sandbox has the public sandbox partner only. Unset it.");
  process.exit(2);
}
process.env.DATABASE_URL ||= ":memory:";
process.env.LAUNCH_TOKEN_SECRET ||= randomBytes(32).toString("hex");
process.env.SHUTDOWN_DRAIN_SECONDS ||= "0";
await import("../server/main.js");
