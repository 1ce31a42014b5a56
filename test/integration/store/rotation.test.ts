// A partner's secret rotated across two server instances on one PostgreSQL database, as
// the signing guide's "Rotating a secret" tells both sides to do it, while the partner
// keeps sending ENTERs to both instances and sessions keep expiring into callbacks:
// nothing is refused, neither a request nor a callback. Each step reloads the partners
// file with SIGHUP, one instance after the other, and the partner's client switches to
// the new secret midway.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadablePartnerDirectory, type Partner } from "../../../src/partners/directory.js";
import { buildOperatorReceiver, type OperatorReceiver } from "../../../src/operator/receiver.js";
import { bundledSpec } from "../../support/spec-views.js";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { createTestDatabase, skipPostgres, type TestDatabase } from "../../support/postgres.js";
import { enterBody, postRaw } from "../../support/requests.js";

const OLD = "casino-rot-old-secret-01";
const NEW = "casino-rot-new-secret-02";

describe.skipIf(skipPostgres)("rotating a partner's secret over two instances", () => {
  let dataDir: string;
  let database: TestDatabase;
  let receiver: OperatorReceiver;
  let receiverUrl: string;
  const receiverPartners = reloadablePartnerDirectory([partner([OLD])]);
  let partnersFile: string;
  let a: ChildServer;
  let b: ChildServer;

  /** The partner with `secrets`, its callbacks on (to the receiver once it listens). */
  function partner(secrets: string[]): Partner {
    return { memberId: "casino-rot", secret: secrets, kyrenToken: undefined, callbackUrl: receiverUrl, sessionExpiredCallback: true };
  }

  /** Writes the provider's partners file with `secrets`, and reloads each instance in turn. */
  async function providerSecrets(secrets: string[]): Promise<void> {
    writeFileSync(
      partnersFile,
      JSON.stringify({ partners: [{ memberId: "casino-rot", secrets, callbackUrl: receiverUrl, sessionExpiredCallback: true }] }),
    );
    for (const server of [a, b]) {
      const before = server.process.output().split("re-read").length;
      server.process.child.kill("SIGHUP");
      await expect.poll(() => server.process.output().split("re-read").length, { timeout: 5000 }).toBeGreaterThan(before);
    }
  }

  beforeAll(async () => {
    dataDir = makeDataDir();
    database = await createTestDatabase("rotation");
    receiver = await buildOperatorReceiver({ spec: bundledSpec, partners: receiverPartners, sandbox: false, logger: false });
    receiverUrl = await receiver.app.listen({ host: "127.0.0.1", port: 0 });
    receiverPartners.replace([partner([OLD])]);
    partnersFile = join(dataDir, "partners.json");
    writeFileSync(
      partnersFile,
      JSON.stringify({ partners: [{ memberId: "casino-rot", secret: OLD, callbackUrl: receiverUrl, sessionExpiredCallback: true }] }),
    );
    const env = {
      DATABASE_URL: database.url,
      LAUNCH_TOKEN_SECRET: randomBytes(32).toString("hex"),
      PARTNERS_FILE: partnersFile,
      LOG_LEVEL: "info",
      SESSION_IDLE_TIMEOUT_SECONDS: "1",
      EXPIRY_SWEEP_SECONDS: "0.3",
    };
    [a, b] = await Promise.all([startChildServer(dataDir, env), startChildServer(dataDir, env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.process.stop(), b?.process.stop(), receiver?.app.close()]);
    await database?.drop();
    if (dataDir) removeDataDir(dataDir);
  });

  it("refuses no request and no callback at any step", async () => {
    let clientSecret = OLD;
    const statuses: number[] = [];
    let sending = true;
    const client = (async () => {
      for (let index = 0; sending; index++) {
        const server = index % 2 ? b : a;
        const answer = await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()), {
          query: { MEMB_ID: "casino-rot" },
          secret: clientSecret,
        });
        statuses.push(answer.status);
      }
    })();
    const sent = async (more: number) => {
      const target = statuses.length + more;
      await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(target);
    };
    try {
      await sent(20);
      // 1. The provider accepts the new secret beside the old one; callbacks are still signed with the old.
      await providerSecrets([OLD, NEW]);
      await sent(20);
      // 2. The partner's receiver accepts both; 3. its client signs with the new secret.
      receiverPartners.replace([partner([NEW, OLD])]);
      clientSecret = NEW;
      await sent(20);
      // 4. The provider signs callbacks with the new secret.
      await providerSecrets([NEW, OLD]);
      await sent(20);
      // 5. Both sides drop the old secret.
      await providerSecrets([NEW]);
      receiverPartners.replace([partner([NEW])]);
      await sent(20);
    } finally {
      sending = false;
      await client;
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Every session opened expires within a second: wait until none is active and each one's callback was answered.
    const left =
      "SELECT (SELECT count(*) FROM sessions WHERE status = 'active') + (SELECT count(*) FROM callbacks WHERE state <> 'delivered') AS n";
    await expect.poll(async () => Number((await database.query(left)).rows[0].n), { timeout: 20_000 }).toBe(0);
    const callbacks = Number((await database.query("SELECT count(*) FROM callbacks WHERE state = 'delivered'")).rows[0].count);
    expect(callbacks).toBeGreaterThan(50);
    expect(receiver.received().length).toBe(callbacks);
  }, 90_000);
});
