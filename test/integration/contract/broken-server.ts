/**
 * A deliberately broken implementation, to prove that the response validator catches each
 * class of contract violation. A raw node:http server: `POST /<defect>/<operation path>`
 * answers that defect's fixed response, whatever the request; the rest of the URL is
 * ignored, so the contract cases can be sent to `baseUrl(defect)` unchanged.
 */
import { createServer, type Server } from "node:http";

/** One broken answer: everything as documented except one thing. */
export interface BrokenAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

const launchUrl = "https://games.luckymonaco.example/index.html?token=q8Zs1mC4v0pXyJ2kLr7uT9wEaB3nD6fH5gK1oP0iU2w";

/** The defects, each meant for the response of one operation and status (see broken-server.test.ts). */
export const defects = {
  /** ENTER validation failure answered 422 (undocumented) instead of 400. */
  "undocumented-status": {
    status: 422,
    contentType: "application/json",
    body: { errors: { code: "V.02", message: "Invalid request: body must have required property 'gameid'" } },
  },
  /** V4 success without the required `description`. */
  "missing-required-field": { status: 200, contentType: "application/json", body: { error: 0 } },
  /** Kyren success with `error` as the string "0" (the type seed 002's table gives), not the number 0. */
  "wrong-type": { status: 200, contentType: "application/json", body: { error: "0", description: "Success" } },
  /** ENTER 401 with the seeds' one-digit code `G.0`, outside the ErrorCode enum. */
  "outside-enum": { status: 401, contentType: "application/json", body: { errors: { code: "G.0", message: "Could not authenticate" } } },
  /** ENTER success with a launch URL that is a URI but not http(s) (`pattern: ^https?://`). */
  "outside-pattern": { status: 200, contentType: "application/json", body: { url: launchUrl.replace(/^https/, "ftp") } },
  /** ENTER success with a launch URL that is not a URI (a space; `format: uri`). */
  "outside-format": { status: 200, contentType: "application/json", body: { url: launchUrl.replace("token=", "token= ") } },
  /** ENTER 401 in the V4 shape `{"error": {...}}` instead of ENTER's `{"errors": {...}}`. */
  "wrong-error-shape": {
    status: 401,
    contentType: "application/json",
    body: { error: { code: "G.00", message: "Could not authenticate" } },
  },
  /** V4 success with Fastify's default `application/json; charset=utf-8`. */
  "wrong-content-type": { status: 200, contentType: "application/json; charset=utf-8", body: { error: 0, description: "Success" } },
} as const satisfies Record<string, BrokenAnswer>;

/** A defect's name. */
export type Defect = keyof typeof defects;

/** A running broken server. */
export interface BrokenServer {
  /** The base URL that answers with `defect`. */
  baseUrl(defect: Defect): string;
  close(): Promise<void>;
}

/** Starts the broken server on 127.0.0.1 and a port the OS picks. */
export async function startBrokenServer(): Promise<BrokenServer> {
  const server: Server = createServer((request, response) => {
    const defect = (request.url ?? "").split("/")[1] as Defect;
    // Read the whole body first, so even a large request gets its answer cleanly.
    request.resume();
    request.on("end", () => {
      const answer: BrokenAnswer | undefined = defects[defect];
      if (!answer) {
        response.writeHead(404, { "Content-Type": "text/plain" }).end(`no defect ${defect}`);
        return;
      }
      response.writeHead(answer.status, { "Content-Type": answer.contentType }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: (defect) => `http://127.0.0.1:${port}/${defect}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // fetch keeps connections alive
      }),
  };
}
