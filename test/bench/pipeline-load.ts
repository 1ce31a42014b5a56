/**
 * The load generator of the pipeline benchmark (pipeline-benchmark.ts), in its own
 * process so that the server process's `process.cpuUsage()` counts the server alone.
 *
 *   node --import tsx test/bench/pipeline-load.ts <base URL> <connections> <member id> <secret>
 *
 * It builds a pool of valid, signed ENTER requests (compact JSON with `timestamp`, `HASH`
 * over exactly those bytes), prints `ready`, then for every line `run <N>` on stdin sends
 * N requests with autocannon over `connections` kept-alive connections, cycling through
 * the pool, and prints one line of JSON: `{ responses, statusCodes, errors }`. It exits
 * when stdin closes.
 */
import { signedEnter } from "./enter-request.js";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const [baseUrl, connections, memberId, secret] = process.argv.slice(2);
if (!baseUrl || !connections || !memberId || !secret) {
  console.error("usage: pipeline-load.ts <base URL> <connections> <member id> <secret>");
  process.exit(2);
}

/** Distinct requests the load cycles through: enough to defeat any cache keyed by body. */
const POOL_SIZE = 512;

/** One valid ENTER as the typed client sends it: compact JSON, `timestamp` last (enter-request.ts). */
const enterRequest = (n: number) => signedEnter(memberId!, secret!, n, true);

const pool = Array.from({ length: POOL_SIZE }, (_, n) => enterRequest(n));
let next = 0;

/** Sends `amount` requests and reports what came back. */
async function run(amount: number): Promise<void> {
  const result = await autocannon({
    url: baseUrl!,
    connections: Number(connections),
    amount,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const built = pool[next++ % POOL_SIZE]!;
          request.path = built.path;
          request.body = built.body;
          return request;
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]));
  const responses = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
  process.stdout.write(`${JSON.stringify({ responses, statusCodes, errors: result.errors + result.timeouts })}\n`);
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [command, amount] = line.trim().split(" ");
  if (command === "run") void run(Number(amount));
});
lines.on("close", () => process.exit(0));
process.stdout.write("ready\n");
