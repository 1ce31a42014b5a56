// Worker thread of the SQLite store: checkpoints the WAL of `workerData.file` every
// `workerData.intervalMs` with its own connection (PASSIVE: it never blocks the writer),
// so that the request thread, whose automatic checkpoints are off, never stalls on one.
// Plain CommonJS so it runs in a worker thread without a TypeScript loader.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("libsql");

const db = new Database(workerData.file);
db.exec("PRAGMA busy_timeout = 1000");
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");

const timer = setInterval(() => {
  try {
    checkpoint.run();
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
