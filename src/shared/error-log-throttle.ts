/**
 * Error lines that do not flood the log during an outage. When the database is down,
 * every request and every background tick fails the same way: measured, about 84 lines a
 * second per instance at 2 requests a second, most of them the same stack trace. This
 * writes the first error of a kind with its stack, counts the repeats for `windowMs`,
 * and then writes one line saying how many were left out. The access log still has one
 * line per request (access-log.ts), so no request goes unrecorded.
 */
import type { FastifyBaseLogger } from "fastify";

/** How long repeats of one error are counted instead of written, milliseconds. */
export const ERROR_LOG_WINDOW_MS = 60_000;

interface Window {
  /** Repeats left out so far. */
  repeats: number;
  timer: NodeJS.Timeout;
}

/** Writes each kind of error once per window (the kind: the line's message and the error's message). */
export class ErrorLogThrottle {
  private readonly windows = new Map<string, Window>();

  /**
   * @param windowMs how long repeats are counted, milliseconds
   */
  constructor(private readonly windowMs: number = ERROR_LOG_WINDOW_MS) {}

  /**
   * Writes `message` at error level with `fields` and `err`, unless the same kind was
   * written within the window; then counts it. At the window's end, one line says how many
   * repeats were left out (none when there were none). Never throws.
   *
   * @param log where to write
   * @param fields extra fields of the line (never anything secret: the callers pass ids and paths)
   * @param error the error, written with its stack the first time
   * @param message the line's message, e.g. "unexpected error; answering 500 G.01"
   */
  error(log: FastifyBaseLogger, fields: Record<string, unknown>, error: unknown, message: string): void {
    const kind = `${message}\u0000${error instanceof Error ? error.message : String(error)}`;
    const open = this.windows.get(kind);
    if (open) {
      open.repeats += 1;
      return;
    }
    log.error({ ...fields, err: error }, message);
    const timer = setTimeout(() => {
      const repeats = this.windows.get(kind)?.repeats ?? 0;
      this.windows.delete(kind);
      if (repeats > 0)
        log.error(
          { repeats, windowSeconds: this.windowMs / 1000, error: error instanceof Error ? error.message : String(error) },
          `${message} (repeated ${repeats} times; the first is logged above with its stack)`,
        );
    }, this.windowMs);
    timer.unref();
    this.windows.set(kind, { repeats: 0, timer });
  }
}
