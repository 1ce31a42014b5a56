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
 * helmet computes the headers once, at start-up; each request only copies them (one
 * synchronous hook). Running helmet's middleware per request, as `@fastify/helmet` does,
 * rebuilt every policy from the options on every request: about 50 µs of CPU, more than
 * a bare Fastify route costs in all (`npm run bench:pipeline`).
 */
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/** The helmet options of every server: the table above. */
export const helmetOptions: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
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
      setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
      removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    };
    helmet(helmetOptions)({} as never, response as never, () => undefined);
    computed = headers;
  }
  return computed;
}

/**
 * Puts the security headers on every answer of `app`: one synchronous `onRequest` hook
 * that sets them on the response, as helmet would, before any route runs. A route may
 * still replace one afterwards (the docs pages send their own `Content-Security-Policy`).
 * Register it before any route.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const headers = Object.entries(securityHeaders());
  app.addHook("onRequest", (_request, reply, done) => {
    const response = reply.raw;
    for (const [name, value] of headers) response.setHeader(name, value);
    done();
  });
}
