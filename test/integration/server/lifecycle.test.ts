// The server's life as an operations team sees it (src/server/shutdown.ts,
// src/partners/source.ts): `npm start` stops on SIGTERM and frees its port, logging its
// shutdown; a SIGTERM under kept-alive load resets no request (a request either gets its
// answer or finds the port closed); SIGHUP re-reads PARTNERS_FILE while the server runs.
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { requestSignature } from "@luckymonaco/session-api-client";
import { makeDataDir, removeDataDir, startChildServer } from "../../support/child-server.js";
import { freePort } from "../../support/processes.js";
import { enterBody, postRaw } from "../../support/requests.js";

const dataDir = makeDataDir();
afterAll(() => removeDataDir(dataDir));

/** True once nothing accepts connections on `port`. */
const portClosed = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(1000) }).then(
    () => false,
    () => true,
  );

describe("npm start", () => {
  it("stops on SIGTERM: not ready at once, the port free well within 15 s, the shutdown logged", async () => {
    const port = await freePort();
    const npm = spawn("npm", ["start"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: join(dataDir, "npm-start.db"),
        LAUNCH_TOKEN_SECRET_FILE: join(dataDir, "launch.secret"),
        SHUTDOWN_DRAIN_SECONDS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so that a failed test leaves no server behind
    });
    let output = "";
    npm.stdout.on("data", (chunk) => (output += chunk));
    npm.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    try {
      await expect
        .poll(
          () =>
            fetch(`http://127.0.0.1:${port}/health/ready`).then(
              (response) => response.status,
              () => 0,
            ),
          { timeout: 30_000, interval: 200 },
        )
        .toBe(200);
      npm.kill("SIGTERM");
      await expect
        .poll(
          () =>
            fetch(`http://127.0.0.1:${port}/health/ready`).then(
              (response) => response.status,
              () => 0,
            ),
          { timeout: 2000, interval: 50 },
        )
        .toBe(503);
      await expect.poll(() => portClosed(port), { timeout: 15_000, interval: 100 }).toBe(true);
      expect(await exited).toBe(0);
      expect(output).toContain("SIGTERM: shutting down");
      expect(output).toContain("shut down cleanly");
    } finally {
      try {
        process.kill(-npm.pid!, "SIGKILL");
      } catch {
        // the group has exited
      }
    }
  }, 60_000);
});

describe("a SIGTERM under kept-alive load", () => {
  it("resets no request: each gets its answer, or finds the listener closed", async () => {
    const server = await startChildServer(dataDir, {
      DATABASE_URL: join(dataDir, "load.db"),
      SHUTDOWN_DRAIN_SECONDS: "1",
      LOG_LEVEL: "info",
    });
    const url = new URL(server.baseUrl);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const outcomes = { answered: 0, afterSignal: 0, refused: 0, reset: [] as string[] };
    let signalled = false;
    const send = () =>
      new Promise<void>((resolve) => {
        const body = JSON.stringify(enterBody());
        const request = httpRequest(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method: "POST",
            path: `/api/session?MEMB_ID=demo&HASH=${requestSignature(body, "sandbox-secret")}`,
            headers: { "content-type": "application/json" },
          },
          (response) => {
            response.resume();
            response.on("end", () => {
              outcomes.answered += 1;
              if (signalled) outcomes.afterSignal += 1;
              resolve();
            });
          },
        );
        request.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ECONNREFUSED") outcomes.refused += 1;
          else outcomes.reset.push(error.code ?? error.message);
          resolve();
        });
        request.end(body);
      });
    const clients = Array.from({ length: 16 }, async () => {
      while (outcomes.refused === 0 && outcomes.reset.length === 0) await send();
    });
    await expect.poll(() => outcomes.answered, { timeout: 10_000 }).toBeGreaterThan(50);
    signalled = true;
    server.process.child.kill("SIGTERM");
    await Promise.all(clients);
    agent.destroy();
    await server.process.stop();
    expect(outcomes.reset).toEqual([]);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.afterSignal, "requests were served while the server drained").toBeGreaterThan(0);
    expect(server.process.child.exitCode).toBe(0);
    expect(server.process.output()).toContain("shut down cleanly");
  }, 60_000);
});

describe("SIGHUP", () => {
  it("re-reads PARTNERS_FILE: a new partner, a partner's new and old secret are accepted, a removed one refused; a broken file changes nothing", async () => {
    const file = join(dataDir, "partners.yaml");
    const old = "casino-one-old-secret-01";
    const next = "casino-one-new-secret-02";
    writeFileSync(file, `partners:\n  - memberId: casino-one\n    secret: ${old}\n`);
    const server = await startChildServer(dataDir, { DATABASE_URL: join(dataDir, "reload.db"), PARTNERS_FILE: file, LOG_LEVEL: "info" });
    const enter = async (memberId: string, secret: string) =>
      (await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()), { query: { MEMB_ID: memberId }, secret })).status;
    const reload = async (yaml: string) => {
      const before = server.process.output().split("SIGHUP").length;
      writeFileSync(file, yaml);
      server.process.child.kill("SIGHUP");
      await expect.poll(() => server.process.output().split("SIGHUP").length, { timeout: 5000 }).toBeGreaterThan(before);
    };
    try {
      expect(await enter("casino-one", old)).toBe(200);
      expect(await enter("casino-two", "casino-two-secret-0001")).toBe(401);
      await reload(
        `partners:\n  - memberId: casino-one\n    secrets: [${next}, ${old}]\n  - memberId: casino-two\n    secret: casino-two-secret-0001\n`,
      );
      expect([
        await enter("casino-two", "casino-two-secret-0001"),
        await enter("casino-one", next),
        await enter("casino-one", old),
      ]).toEqual([200, 200, 200]);
      await reload(`partners:\n  - memberId: casino-one\n    secrets: [${next}\n`);
      expect(server.process.output()).toMatch(/SIGHUP: PARTNERS_FILE .* not valid YAML or JSON .*the partners already running are kept/);
      expect([await enter("casino-two", "casino-two-secret-0001"), await enter("casino-one", old)]).toEqual([200, 200]);
      await reload(`partners:\n  - memberId: casino-one\n    secret: ${next}\n`);
      expect([
        await enter("casino-one", next),
        await enter("casino-one", old),
        await enter("casino-two", "casino-two-secret-0001"),
      ]).toEqual([200, 401, 401]);
      expect(server.process.child.exitCode).toBeNull();
      expect(server.process.output()).not.toContain(next);
      expect(server.process.output()).not.toContain(old);
    } finally {
      await server.process.stop();
    }
  }, 60_000);
});
