/**
 * The internal listener of `/metrics` (`METRICS_HOST`:`METRICS_PORT`, config.ts). The
 * metrics' labels name partner ids, which the API takes care not to reveal (an unknown
 * partner and a wrong signature get the same 401 `G.00`), so outside the sandbox `/metrics` is served
 * only here, on an address meant for the internal network, never on the API's port.
 * It answers `GET /metrics` and nothing else (404, plain text).
 */
import { createServer } from "node:http";
import type { Registry } from "prom-client";

/** A running metrics listener. */
export interface MetricsListener {
  /** `http://host:port/metrics`. */
  url: string;
  /** Stops listening and closes its connections. */
  close(): Promise<void>;
}

/**
 * Starts serving `registry` at `http://host:port/metrics`.
 *
 * @param port TCP port; 0 picks a free one
 * @throws Error naming METRICS_HOST:METRICS_PORT when it cannot listen (the port is in use, the address is not local)
 */
export async function startMetricsListener(registry: Registry, host: string, port: number): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    if (request.method !== "GET" || (request.url ?? "").split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found: this listener serves GET /metrics only\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      () => response.writeHead(500, { "content-type": "text/plain" }).end("metrics could not be collected\n"),
    );
  });
  server.requestTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    throw new Error(`METRICS_HOST:METRICS_PORT ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const address = server.address() as { port: number };
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
