/**
 * Group commit (../group-commit.ts) for ENTER on PostgreSQL: the `openSession` calls of one event-loop turn go
 * to the database as ONE statement (one round trip, one commit) instead of one each. Under
 * load that divides the per-request work of the driver and of the database, where a
 * commit per ENTER cost about twice the CPU of the rest (benchmark in the README). Each
 * caller is answered after that commit; durability per request is unchanged.
 *
 * The statement inserts the batch's idempotency keys in key order with `ON CONFLICT DO
 * NOTHING` (a consistent lock order, so concurrent batches on several instances do not
 * deadlock on each other's keys), and a session for each key it inserted. A key already
 * there (a replay, a conflict, or a duplicate inside the batch) inserts nothing and is then
 * classified like a single call. If the statement fails (a constraint one row breaks, a
 * lost deadlock), each call of the batch is run alone, so one bad row fails alone.
 */
import type pg from "pg";
import type { Idempotent, IdempotencyKey, NewSession } from "../session-store.js";
import { GroupCommit } from "../group-commit.js";
import { isRowError } from "./errors.js";

/** Most calls in one statement; more in one turn make several statements. */
const MAX_BATCH = 500;

/** Columns of a batch, in the statement's parameter order, with their array types. */
const COLUMNS = [
  ["partner_id", "text"],
  ["uuid", "text"],
  ["operation_id", "text"],
  ["fingerprint", "text"],
  ["id", "text"],
  ["created_at", "bigint"],
  ["player_id", "text"],
  ["player_nickname", "text"],
  ["game_id", "text"],
  ["game_type", "text"],
  ["currency", "text"],
  ["language", "text"],
  ["partner_session_id", "text"],
  ["player_ip", "text"],
  ["token_hash", "text"],
] as const;

/** ENTERs of one turn in one statement: the keys first, then the sessions whose key was new (exported for the plan test). */
export const BATCH_SQL = `
  WITH input AS (
    SELECT * FROM unnest(${COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(", ")}) AS t(${COLUMNS.map(([name]) => name).join(", ")})
  ), key AS (
    INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
    SELECT partner_id, uuid, operation_id, fingerprint, id, created_at FROM input ORDER BY partner_id, uuid
    ON CONFLICT (partner_id, uuid) DO NOTHING RETURNING session_id
  ), created AS (
    INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language,
                          partner_session_id, player_ip, token_hash, status, created_at, last_activity_at)
    SELECT input.id, partner_id, player_id, player_nickname, game_id, game_type, currency, language,
           partner_session_id, player_ip, token_hash, 'active', created_at, created_at
    FROM input JOIN key ON key.session_id = input.id
    RETURNING id
  )
  SELECT id FROM created`;

/** What the batch needs from the store: the pool, and the single-call paths. */
/**
 * The values of one ENTER's key and session in the order of the `openSession` statement's
 * parameters ($1 … $15), for the statement alone and for a row of the batch.
 */
export function openSessionValues(key: IdempotencyKey, session: NewSession): unknown[] {
  return [
    key.partnerId,
    key.uuid,
    key.operationId,
    key.fingerprint,
    session.id,
    session.createdAt,
    session.playerId,
    session.playerNickname ?? null,
    session.gameId,
    session.gameType,
    session.currency,
    session.language,
    session.partnerSessionId,
    session.playerIp,
    session.tokenHash,
  ];
}

export interface OpenSessionPaths {
  pool: pg.Pool;
  /** One call on its own (also the fallback when a batch fails). */
  single(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>>;
  /** The outcome for a key that was there already (replayed or conflict), or undefined if it vanished. */
  existing(key: IdempotencyKey): Promise<Idempotent<{ sessionId: string }> | undefined>;
}

type Input = { key: IdempotencyKey; session: NewSession };

/** Collects `openSession` calls and sends those of one turn together. */
export class OpenSessionBatch {
  private readonly batch: GroupCommit<Input, Idempotent<{ sessionId: string }>>;

  constructor(paths: OpenSessionPaths) {
    this.batch = new GroupCommit({
      retryAlone: isRowError,
      maxGroup: MAX_BATCH,
      single: ({ key, session }) => paths.single(key, session),
      async many(inputs) {
        const columns = COLUMNS.map(() => [] as unknown[]);
        for (const { key, session } of inputs) {
          const row = openSessionValues(key, session);
          for (const [index, value] of row.entries()) columns[index]!.push(value);
        }
        const result = await paths.pool.query<{ id: string }>({ name: "openSessionBatch", text: BATCH_SQL, values: columns });
        const created = new Set(result.rows.map((row) => row.id));
        // A key already there (a replay, a conflict, a duplicate inside the batch) is classified like a single call.
        return inputs.map(async ({ key, session }) =>
          created.has(session.id)
            ? { outcome: "created" as const, value: { sessionId: session.id } }
            : ((await paths.existing(key)) ?? (await paths.single(key, session))),
        );
      },
    });
  }

  /**
   * ENTER's write, in the next batch.
   *
   * @returns the outcome once the batch is committed
   * @throws (rejects with) the database's error for this call
   */
  open(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    return this.batch.run({ key, session });
  }
}
