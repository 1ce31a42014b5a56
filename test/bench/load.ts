/**
 * One autocannon load against one server, with a fresh request (path and body) built for
 * every single send through autocannon's per-request `setupRequest` hook.
 */
import autocannon from "autocannon";

/** How hard and how long to load. */
export interface LoadShape {
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second in all; as fast as the server answers when absent. */
  rate?: number;
}

/** A request to send: the path with its query, and the exact body bytes. */
export interface BuiltRequest {
  path: string;
  body: string;
}

/** What one load measured. Latencies in ms (autocannon's resolution is 1 ms). */
export interface LoadSummary {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Responses received. */
  responses: number;
  ok: number;
  non2xx: number;
  /** Connection errors plus timeouts: requests that got no response. */
  failures: number;
  statusCodes: Record<string, number>;
}

/** Loads `baseUrl` with POSTs of `application/json`, each built by `next()`. */
export async function runLoad(baseUrl: string, shape: LoadShape, next: () => BuiltRequest): Promise<LoadSummary> {
  const result = await autocannon({
    url: baseUrl,
    connections: shape.connections,
    duration: shape.duration,
    ...(shape.rate === undefined ? {} : { overallRate: shape.rate }),
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const built = next();
          request.path = built.path;
          request.body = built.body;
          return request;
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]));
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    responses: Object.values(statusCodes).reduce((sum, count) => sum + count, 0),
    ok: result["2xx"],
    non2xx: result.non2xx,
    failures: result.errors + result.timeouts,
    statusCodes,
  };
}
