/**
 * Security headers on every answer of both servers (the provider's and the operator
 * receiver), set by helmet: API answers, the docs, the health endpoints, and the answers
 * written before Fastify sees a request (transport-answers.ts). The answers are JSON
 * for machines, so the policy is the strictest: nothing may load, frame or embed them.
 *
 * | Header | Value | Why |
 * |---|---|---|
 * | `Content-Security-Policy` | `default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'` | a JSON answer opened in a browser runs and loads nothing; the docs pages send their own policy (app.ts), the one their `<meta>` tag states |
 * | `X-Content-Type-Options` | `nosniff` | a browser takes `application/json` as JSON, never as a script or a page |
 * | `X-Frame-Options` | `DENY` | no page frames an answer (older browsers; `frame-ancestors` for the others) |
 * | `Referrer-Policy` | `no-referrer` | a link in the docs tells no one where it came from |
 * | `Strict-Transport-Security` | `max-age=31536000; includeSubDomains` | once served over HTTPS, only over HTTPS (browsers ignore it over plain HTTP) |
 * | `Cross-Origin-Opener-Policy`, `Cross-Origin-Resource-Policy` | `same-origin` | no other site's page can hold a handle to, or embed, an answer |
 *
 * and helmet's other defaults (`X-DNS-Prefetch-Control: off`, `Origin-Agent-Cluster`, …).
 *
 * helmet computes the headers once, at start-up; each answer only gets a copy of those
 * its route did not set itself (the docs pages send their own `Content-Security-Policy`),
 * added by the server's one `onSend` hook (transport-answers.ts). Running helmet's
 * middleware per request, as `@fastify/helmet` does, rebuilt every policy from the
 * options on every request: about 50 µs of CPU, more than a bare Fastify route costs in
 * all; and setting them on the raw response at `onRequest` cost another 10 µs or so in
 * Node's per-header bookkeeping (`npm run bench:pipeline`, docs/request-path.md).
 */
import type { FastifyReply } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/** The helmet options of every server: the table above. */
export const helmetOptions: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  crossOriginResourcePolicy: { policy: "same-origin" },
};

let computed: Record<string, string> | undefined;

/**
 * The headers helmet sets with `helmetOptions` (lower-case names), computed once by
 * running helmet itself on a stand-in response. Also for the answers written on a bare
 * socket (no Fastify reply to set them on).
 */
export function securityHeaders(): Record<string, string> {
  if (!computed) {
    const headers: Record<string, string> = {};
    const response = {
      setHeader: (name: string, value: string | number) => {
        headers[name.toLowerCase()] = String(value);
      },
      removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    };
    helmet(helmetOptions)({} as never, response as never, () => undefined);
    computed = headers;
  }
  return computed;
}

/**
 * A function that adds to a reply every security header it does not carry yet (set by
 * its route with `reply.header` or on the raw response), for the `onSend` hook of every
 * server: what a route sets wins, as it would over helmet.
 */
export function securityHeadersAdder(): (reply: FastifyReply) => void {
  const headers = Object.entries(securityHeaders());
  return (reply) => {
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value);
  };
}
