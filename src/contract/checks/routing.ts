/**
 * The answers before routing, generated (Schemathesis' unsupported_method, plus
 * unknown paths): every method other than the documented ones on every operation's path
 * is 405 `G.06` with `Allow` listing the documented ones, in the envelope of the path's
 * operation; random paths that no operation has are 404 `G.05` in the default envelope
 * (`x-default-error-envelope`), on both sides. Source: the spec's "Order of checks", step 1.
 */
import fc from "fast-check";
import { allOperations, bundledSpec } from "../bundle.js";
import { derivedSeed } from "../generate/request-bodies.js";
import type { Probe } from "../types.js";
import { sequencesFor, type GenerationContext } from "./context.js";

/** The methods probed on every path (HEAD has no body to check; TRACE and CONNECT are refused by HTTP stacks themselves). */
export const probedMethods = ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "POST"] as const;

/** unsupported_method: each undocumented method on each operation's path. */
export function unsupportedMethodProbes(): Probe[] {
  return allOperations.flatMap((operation) => {
    const documented = Object.keys(bundledSpec.paths[operation.path]!)
      .filter((key) => ["get", "put", "post", "delete", "patch", "options", "head"].includes(key))
      .map((key) => key.toUpperCase());
    return probedMethods
      .filter((method) => !documented.includes(method))
      .map(
        (method): Probe => ({
          check: "unsupported_method",
          kind: "routing/other-method",
          subject: operation.operationId,
          title: `${method} ${operation.path} is 405 G.06 with Allow: ${documented.join(", ")}`,
          steps: [
            {
              side: operation.implementedBy,
              operationId: operation.operationId,
              request: { method, path: operation.path, query: {}, headers: {}, body: "" },
              expect: { status: 405, code: "G.06", header: { name: "allow", value: documented.join(", ") } },
            },
          ],
        }),
      );
  });
}

const segment = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/);

/**
 * unknown_path, fixed: "Paths are case-sensitive" (error catalog, G.05), so each
 * operation's path in lower case, in upper case and with a trailing slash is a path no
 * operation has: 404 G.05 on its side.
 */
export function pathVariantProbes(): Probe[] {
  return allOperations.flatMap((operation) => {
    const variants: Array<[kind: string, path: string]> = [
      ["paths/lower-case", operation.path.toLowerCase()],
      ["paths/upper-case", operation.path.toUpperCase()],
      ["paths/trailing-slash", `${operation.path}/`],
    ];
    return variants
      .filter(([, path]) => path !== operation.path && !allOperations.some((other) => other.path === path))
      .map(
        ([kind, path]): Probe => ({
          check: "unknown_path",
          kind,
          subject: operation.implementedBy,
          title: `POST ${path} (${operation.path} ${kind === "paths/trailing-slash" ? "with a trailing slash" : "in another case"}) is 404 G.05`,
          steps: [
            {
              side: operation.implementedBy,
              request: { path, query: {}, headers: { "Content-Type": "application/json" }, body: "{}" },
              expect: { status: 404, code: "G.05" },
            },
          ],
        }),
      );
  });
}

/** unknown_path: random paths (a tenth of the budget per side, at least one) that no operation has, ignoring case. */
export function unknownPathProbes(context: GenerationContext): Probe[] {
  const known = new Set(allOperations.map((operation) => operation.path.toLowerCase()));
  return (["provider", "operator"] as const).flatMap((side) =>
    fc
      .sample(
        fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
        { seed: derivedSeed(context.seed, "unknown_path", side), numRuns: sequencesFor(context.cases) * 3 },
      )
      .filter((path) => !known.has(path.toLowerCase()) && !path.split("/").some((part) => part === "." || part === ".."))
      .slice(0, sequencesFor(context.cases))
      .map(
        (path): Probe => ({
          check: "unknown_path",
          kind: "routing/unknown-path",
          subject: side,
          title: `POST ${path} is 404 G.05`,
          steps: [
            {
              side,
              request: { path, query: {}, headers: { "Content-Type": "application/json" }, body: "{}" },
              expect: { status: 404, code: "G.05" },
            },
          ],
        }),
      ),
  );
}
