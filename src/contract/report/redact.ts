/**
 * What reports and the console must not show (house rule: no secret, `HASH`, body
 * `hash`, Kyren token or launch token in a log): the partner's secrets wherever they
 * appear, `HASH` values, body `hash` values, and launch tokens (`token=` in a URL, such
 * as ENTER's answer). A launch token is replaced by the start of its SHA-256, so that two
 * different launch URLs still read as different (a replay that opened another session).
 */
import { createHash } from "node:crypto";
import type { ReportCase } from "./model.js";

/** `text` with the secrets, signatures and launch tokens replaced. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets.filter((value) => value.length >= 4)) result = result.split(secret).join("<secret>");
  return result
    .replace(/HASH=[0-9a-fA-F]{64}/g, "HASH=<signature>")
    .replace(/("hash"\s*:\s*")[0-9a-f]{32}"/g, '$1<body hash>"')
    .replace(
      /([?&]token=)([A-Za-z0-9_-]{16,})/g,
      (_match, prefix: string, token: string) =>
        `${prefix}<launch token sha256:${createHash("sha256").update(token).digest("hex").slice(0, 8)}>`,
    );
}

/** The report cases with `redact` applied to their message and details. */
export function redactCases(cases: readonly ReportCase[], secrets: readonly string[]): ReportCase[] {
  return cases.map((entry) => ({
    ...entry,
    ...(entry.message === undefined ? {} : { message: redact(entry.message, secrets) }),
    ...(entry.details === undefined ? {} : { details: redact(entry.details, secrets) }),
  }));
}
