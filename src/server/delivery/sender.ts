/**
 * One delivery attempt of a session expired callback (spec: operation `sessionExpired`):
 * the signed POST to the partner's receiver, with a hard deadline, classified for the
 * retry policy.
 *
 * HTTP goes through undici's own `request` on a dedicated `Agent` (kept-alive connections,
 * at most `connectionsPerPartner` per receiver origin, no pipelining, so that a hung
 * request never holds up another), never Node's bundled fetch.
 *
 * **Deadlines that fire**: `AbortSignal.timeout` can be garbage-collected on
 * Node 20 and never fire. Each attempt runs under the client package's `withDeadline`, a
 * `setTimeout` referenced until the attempt ends, which ends the attempt and aborts the
 * request; as a second line, the Agent's `connectTimeout`, `headersTimeout` and
 * `bodyTimeout` are the same deadline. Reading the answer is under the same deadline, and
 * at most 64 KiB of it is read.
 *
 * Body: `providerId`, `sessionId`, `playerId`, `callbackId`, `createdAt` (RFC 3339 UTC,
 * seconds), `timestamp` (this attempt, Unix seconds), then the body `hash`; `HASH` over
 * those exact bytes. The error text of an attempt never holds the URL's `HASH`.
 */
import { Agent, request } from "undici";
import { operationsById } from "../../../generated/operations.js";
import type { Partner } from "../../partners/directory.js";
import { signingSecret, signRequest, withDeadline } from "@luckymonaco/session-api-client";
import type { PendingCallback } from "../../store/session-store.js";
import { parseRetryAfter, stopsRetrying } from "./retry-policy.js";

/** How one attempt ended, before the retry schedule is applied. */
export type SendResult =
  /** 200 with `"error": 0`. */
  | { outcome: "delivered"; status: number }
  /** A 4xx other than 408 and 429: the receiver refused the callback; not retried. */
  | { outcome: "rejected"; status: number; error: string }
  /** Anything else: retried. `kind` says what happened; `retryAfterMs` is the receiver's `Retry-After` on a 429 or 503. */
  | { outcome: "retry"; kind: "status" | "timeout" | "network"; status?: number; error: string; retryAfterMs?: number };

/** Options of `createCallbackSender`. */
export interface CallbackSenderOptions {
  /** `providerId` of the body. */
  providerId: string;
  /** Hard deadline of one attempt (connect, send, answer), milliseconds (`CALLBACK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Connections kept per receiver origin; also the most concurrent attempts to one partner. */
  connectionsPerPartner: number;
  /** Clock of `timestamp` and `Retry-After` dates, epoch milliseconds. */
  now: () => number;
}

/** Sends callbacks; `close()` it when done. */
export interface CallbackSender {
  /** Makes one attempt; never throws. */
  send(partner: Partner & { callbackUrl: string }, callback: PendingCallback): Promise<SendResult>;
  /** Closes the kept-alive connections (waits for attempts in flight). */
  close(): Promise<void>;
}

/** Most bytes of an answer that are read (the success body is a few dozen). */
const MAX_ANSWER_BYTES = 64 * 1024;
const callbackPath = operationsById.sessionExpired.path;

/** `createdAt` of the body: RFC 3339 UTC with second precision, `2026-11-21T23:59:00Z`. */
export const rfc3339Seconds = (epochMs: number) => new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** The fields of a callback's body for one attempt at `now` (epoch ms), before signing. */
export function callbackFields(providerId: string, callback: PendingCallback, now: number) {
  return {
    providerId,
    sessionId: callback.sessionId,
    playerId: callback.playerId,
    callbackId: callback.callbackId,
    createdAt: rfc3339Seconds(callback.createdAt),
    timestamp: Math.floor(now / 1000),
  };
}

/** An error's text for `last_error` and the logs, without anything secret. */
function describe(error: unknown): string {
  const failure = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = failure?.cause?.code ?? failure?.code;
  const message = failure?.cause?.message ?? failure?.message ?? String(error);
  return `network: ${code && !message.includes(code) ? `${code} ` : ""}${message}`.replace(/HASH=[0-9a-fA-F]+/g, "HASH=***").slice(0, 300);
}

/** Reads at most MAX_ANSWER_BYTES of an answer; the rest is dropped with the connection. */
async function readAnswer(body: AsyncIterable<Uint8Array> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** True for the documented success body, `{"error": 0, …}`. */
function isSuccess(text: string): boolean {
  try {
    return (JSON.parse(text) as { error?: unknown })?.error === 0;
  } catch {
    return false;
  }
}

/**
 * Creates the sender.
 *
 * @throws never; each `send` reports its failure in its result
 */
export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  const agent = new Agent({
    connections: options.connectionsPerPartner,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const timeoutText = `timeout: no answer within ${options.timeoutMs} ms`;

  async function send(partner: Partner & { callbackUrl: string }, callback: PendingCallback): Promise<SendResult> {
    // Signed with the newest secret: during a rotation the receiver accepts both.
    const signed = signRequest(callbackFields(options.providerId, callback, options.now()), signingSecret(partner.secret), true);
    const url = `${partner.callbackUrl.replace(/\/+$/, "")}${callbackPath}?MEMB_ID=${encodeURIComponent(partner.memberId)}&HASH=${signed.HASH}`;
    let expired: Error | undefined;
    try {
      const answer = await withDeadline(
        async (signal) => {
          const response = await request(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: signed.rawBody,
            dispatcher: agent,
            signal,
          });
          return { status: response.statusCode, headers: response.headers, text: await readAnswer(response.body) };
        },
        options.timeoutMs,
        () => (expired = new Error(timeoutText)),
      );
      const { status, text } = answer;
      if (status === 200 && isSuccess(text)) return { outcome: "delivered", status };
      if (stopsRetrying(status)) return { outcome: "rejected", status, error: `HTTP ${status}` };
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(answer.headers["retry-after"], options.now()) : undefined;
      const error = status === 200 ? 'HTTP 200 without the success body {"error":0}' : `HTTP ${status}`;
      return { outcome: "retry", kind: "status", status, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    } catch (error) {
      const code = (error as { code?: string })?.code;
      const timedOut =
        error === expired || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT";
      return timedOut
        ? { outcome: "retry", kind: "timeout", error: timeoutText }
        : { outcome: "retry", kind: "network", error: describe(error) };
    }
  }

  return { send, close: () => agent.close() };
}
