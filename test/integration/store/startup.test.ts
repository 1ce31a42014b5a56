// Start-up with a DATABASE_URL the server cannot use: one clear line that names the
// problem, exit status 1, and never the database password, on stdout or stderr.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { createTestDatabase, skipPostgres, withDatabase, type TestDatabase } from "../../support/postgres.js";
import { freePort } from "../../support/processes.js";

const PASSWORD = "n0t-In-any-LOG-7d1e";
const dir = mkdtempSync(join(tmpdir(), "session-api-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the server until it exits (it must: each case stops start-up). */
function start(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "src/server/main.ts")], {
      env: { ...process.env, PORT: "0", LAUNCH_TOKEN_SECRET_FILE: join(dir, "launch-token.secret"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Asserts the one-line refusal, and that the password is nowhere. */
function expectRefusal(result: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.status).toBe(1);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^session-api server did not start: /);
  expect(lines[0]).toMatch(message);
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
}

const secret = "0123456789abcdef0123456789abcdef-startup";

describe("a DATABASE_URL the server cannot use", () => {
  it("with an unknown scheme", async () => {
    expectRefusal(
      await start({ DATABASE_URL: `mysql://app:${PASSWORD}@127.0.0.1:3306/sessions` }),
      /DATABASE_URL mysql:\/\/app:\*\*\*@127\.0\.0\.1:3306\/sessions: unsupported database URL scheme "mysql:": use a file path/,
    );
  });

  it("with a port where nothing listens", async () => {
    const port = await freePort();
    expectRefusal(
      await start({ DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/sessions`, LAUNCH_TOKEN_SECRET: secret }),
      new RegExp(`DATABASE_URL postgres://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/sessions: connection refused by 127\\.0\\.0\\.1:${port}`),
    );
  });

  it("with a port where something else listens, and closes the connection", async () => {
    const { createServer } = await import("node:net");
    const closer = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => closer.listen(0, "127.0.0.1", resolve));
    const port = (closer.address() as { port: number }).port;
    try {
      expectRefusal(
        await start({ DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/sessions`, LAUNCH_TOKEN_SECRET: secret }),
        /: (the server|127\.0\.0\.1:\d+) closed the connection before answering \(is the host and port of DATABASE_URL a PostgreSQL server\?\)$/,
      );
    } finally {
      await new Promise((resolve) => closer.close(resolve));
    }
  });

  it("on PostgreSQL without LAUNCH_TOKEN_SECRET, which all instances must share", async () => {
    const port = await freePort();
    const result = await start({
      DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/sessions`,
      LAUNCH_TOKEN_SECRET: "",
      LAUNCH_TOKEN_SECRET_FILE: "",
    });
    expectRefusal(result, /LAUNCH_TOKEN_SECRET is required with a PostgreSQL DATABASE_URL/);
  });
});

describe.skipIf(skipPostgres)("credentials PostgreSQL refuses", () => {
  let database: TestDatabase;
  let owner: { user: string; url: string };
  beforeAll(async () => {
    database = await createTestDatabase("startup");
    owner = await database.createOwner();
  });
  afterAll(() => database?.drop());

  it("a role that does not exist", async () => {
    const url = withDatabase(database.url, database.name, { user: "no_such_role", password: PASSWORD });
    expectRefusal(
      await start({ DATABASE_URL: url, LAUNCH_TOKEN_SECRET: secret }),
      /DATABASE_URL postgres:\/\/no_such_role:\*\*\*@.*: (password authentication failed|role "no_such_role" does not exist)/,
    );
  });

  it("a wrong password", async ({ skip }) => {
    // A server with `trust` for every role accepts any password: this case needs a cluster
    // that checks them, as test/support/throwaway-postgres.sh starts (and .ci/run uses).
    if (!(await database.checksPasswords())) {
      if (process.env.REQUIRE_POSTGRES === "1")
        throw new Error(
          "REQUIRE_POSTGRES=1 but this PostgreSQL does not check passwords: start it with test/support/throwaway-postgres.sh",
        );
      skip("this PostgreSQL does not check passwords (pg_hba trust); start it with test/support/throwaway-postgres.sh");
    }
    const url = withDatabase(database.url, database.name, { user: owner.user, password: PASSWORD });
    expectRefusal(
      await start({ DATABASE_URL: url, LAUNCH_TOKEN_SECRET: secret }),
      new RegExp(`DATABASE_URL postgres://${owner.user}:\\*\\*\\*@.*: password authentication failed for user "${owner.user}"`),
    );
  });
});
