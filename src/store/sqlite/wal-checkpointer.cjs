// Worker thread of the SQLite store: checkpoints the WAL of `workerData.file` every
// `workerData.intervalMs` with its own connection, so that the request thread, whose
// automatic checkpoints are off, copies few pages itself (see wal-limit.ts).
// - PASSIVE checkpoints: they never block the writer. None is started while the writer
//   wants the checkpoint lock; the writer can wait for the one in progress (the flags of
//   `CheckpointerFlags` in wal-limit.ts: this side sets WORKING, then reads WANT).
// - Once the log is fully copied and did not change over a whole interval (no writes),
//   a TRUNCATE checkpoint empties the file: the log shrinks back when load stops.
// Errors are posted to the parent as { error }. Plain CommonJS so it runs in a worker
// thread without a TypeScript loader.
"use strict";
const { statSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("libsql");

const db = new Database(workerData.file);
db.exec("PRAGMA busy_timeout = 100"); // TRUNCATE waits this long at most for the writer
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const truncate = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
const { flags, want: WANT, working: WORKING } = workerData;
const walFile = `${workerData.file}-wal`;
let idleLog = -1; // frames in the log when the last checkpoint found it fully copied

function walSize() {
  try {
    return statSync(walFile).size;
  } catch {
    return 0;
  }
}

function checkpoint() {
  const result = passive.get();
  const complete = Number(result.busy) === 0 && Number(result.log) === Number(result.checkpointed);
  if (complete && Number(result.log) === idleLog && walSize() > 0) {
    truncate.get();
    idleLog = -1;
    return;
  }
  idleLog = complete ? Number(result.log) : -1;
}

function tick() {
  Atomics.store(flags, WORKING, 1);
  try {
    if (Atomics.load(flags, WANT) === 0) checkpoint();
  } finally {
    Atomics.store(flags, WORKING, 0);
    Atomics.notify(flags, WORKING);
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
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
