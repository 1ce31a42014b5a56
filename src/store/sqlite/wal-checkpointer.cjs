// Worker thread of the SQLite store: checkpoints the WAL of `workerData.file` with its own
// connection, so that the request thread, whose automatic checkpoints are off, never runs
// one (see wal-limit.ts).
// - Every `workerData.intervalMs`: a PASSIVE checkpoint (it never blocks the writer). When it
//   copied frames, the database file is synced (fdatasync) here and now: SQLite syncs it
//   only after a checkpoint that copied EVERY frame, which under steady writes is the held
//   one, so that sync had the whole log's pages to flush, 100 - 190 ms of held writes at a
//   million rows; synced as they are copied, the held checkpoint flushes only the last
//   frames (wal-limit.ts). Once the log is fully copied and has not changed for
//   `workerData.idleMs` (no writes), a TRUNCATE checkpoint empties the file: the log
//   shrinks back when load stops.
// - On `{ prepare: id }`: the same PASSIVE checkpoint and sync at once, answered
//   `{ prepared: id, failed? }`: the copy ahead of a held checkpoint (wal-limit.ts).
// - On `{ checkpoint: id }` (the writer holds its writes meanwhile): one RESTART
//   checkpoint, answered `{ checkpointed: id, complete, failed? }`; with no write going on
//   it copies every frame, waiting up to 100 ms for a reader of another connection (the
//   `callbacks` CLI, a backup) to leave an older snapshot, and then this worker restarts
//   the log with an empty write.
// Errors of the periodic checkpoints are posted as `{ error }`. Plain CommonJS so it runs
// in a worker thread without a TypeScript loader.
"use strict";
const { closeSync, fdatasyncSync, openSync, statSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("libsql");

const db = new Database(workerData.file);
db.exec("PRAGMA busy_timeout = 100"); // TRUNCATE and RESTART wait this long at most for the writer or a reader
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const restart = db.prepare("PRAGMA wal_checkpoint(RESTART)");
const truncate = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
// A write that changes nothing: the first write after a complete checkpoint restarts the log
// and syncs its new header (an fsync that can wait hundreds of milliseconds for the file
// system's journal while the checkpoint's pages are flushed). Made here, the writer on the
// event loop finds the log already restarted and only appends to it.
const restartLog = () => db.exec("BEGIN IMMEDIATE; UPDATE heartbeat SET at = at WHERE id = 1; COMMIT");
const walFile = `${workerData.file}-wal`;
let idleLog = -1; // frames in the log when a periodic checkpoint first found it fully copied
let idleSince = 0; // when that was, ms

function walSize() {
  try {
    return statSync(walFile).size;
  } catch {
    return 0;
  }
}

/** One checkpoint (PASSIVE by default): whether it copied every frame, the frames in the log, and those copied. */
function checkpoint(mode = passive) {
  const result = mode.get();
  const [log, copied] = [Number(result.log), Number(result.checkpointed)];
  return { complete: Number(result.busy) === 0 && log === copied, log, copied };
}

let databaseFd; // read-only: enough for fdatasync
let syncedCopied = 0; // frames copied when the database file was last synced

/** Syncs the database file when a checkpoint copied frames since the last sync. */
function syncCopied(copied) {
  if (copied === syncedCopied) return;
  databaseFd ??= openSync(workerData.file, "r");
  fdatasyncSync(databaseFd);
  syncedCopied = copied;
}

function tick() {
  const { complete, log, copied } = checkpoint();
  syncCopied(copied);
  if (!complete) {
    idleLog = -1;
  } else if (log !== idleLog) {
    [idleLog, idleSince] = [log, Date.now()];
  } else if (Date.now() - idleSince >= workerData.idleMs && walSize() > 0) {
    truncate.get();
    idleLog = -1;
  }
}

const timer = setInterval(() => {
  try {
    tick();
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);

parentPort.on("message", (message) => {
  if (message === "stop") {
    clearInterval(timer);
    if (databaseFd !== undefined) closeSync(databaseFd);
    db.close();
    parentPort.close();
    return;
  }
  if (message && typeof message.prepare === "number") {
    try {
      syncCopied(checkpoint().copied);
      parentPort.postMessage({ prepared: message.prepare });
    } catch (error) {
      parentPort.postMessage({ prepared: message.prepare, failed: String(error) });
    }
  }
  if (message && typeof message.checkpoint === "number") {
    try {
      const { complete } = checkpoint(restart);
      if (complete) restartLog();
      parentPort.postMessage({ checkpointed: message.checkpoint, complete });
    } catch (error) {
      parentPort.postMessage({ checkpointed: message.checkpoint, complete: false, failed: String(error) });
    }
  }
});
