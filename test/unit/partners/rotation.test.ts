// Secret rotation and reload (the client package's Secrets and authenticateSignedRequest,
// src/partners/partners-file.ts, src/partners/source.ts): a partner with `secrets: [new,
// old]` is accepted with either and signs with the new one; Kyren tokens the same; a
// reload puts a new file in place at once, and a broken file keeps the running partners
// with one log line that says where the error is and quotes nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { authenticateKyrenRequest, authenticateSignedRequest } from "@luckymonaco/session-api-client";
import { loadPartnersFile } from "../../../src/partners/partners-file.js";
import { reloadPartners, startupPartners } from "../../../src/partners/source.js";
import { signingSecret, signRequest } from "@luckymonaco/session-api-client";

const dir = mkdtempSync(join(tmpdir(), "rotation-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLD = "casino-one-old-secret-01";
const NEW = "casino-one-new-secret-02";

/** Writes a partners file and returns its path. */
function partnersFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/** A V4 close signed with `secret`, sent as casino-one. */
const signed = (secret: string) => {
  const request = signRequest({ secureLogin: "player-1001", timestamp: Math.floor(Date.now() / 1000) }, secret, true);
  return { rawBody: Buffer.from(request.rawBody), MEMB_ID: "casino-one", HASH: request.HASH, withBodyHash: true };
};

describe("a partner with two secrets", () => {
  const [partner] = loadPartnersFile(
    partnersFile(
      "two.yaml",
      `partners:\n  - memberId: casino-one\n    secrets: [${NEW}, ${OLD}]\n    kyrenTokens: [casino-one-kyren-new-1, casino-one-kyren-old-1]\n`,
    ),
  );
  const find = (id: string) => (id === partner!.memberId ? partner : undefined);

  it("is accepted with either, and refused with any other", () => {
    expect(authenticateSignedRequest(signed(NEW), find)).toMatchObject({ ok: true, memberId: "casino-one" });
    expect(authenticateSignedRequest(signed(OLD), find)).toMatchObject({ ok: true, memberId: "casino-one" });
    expect(authenticateSignedRequest(signed("casino-one-third-secret"), find)).toMatchObject({ ok: false, kind: "unauthenticated" });
  });

  it("names a usual mistake made with the older secret", () => {
    const request = signed(OLD);
    const refused = authenticateSignedRequest({ ...request, HASH: request.HASH.toUpperCase() }, find);
    expect(refused).toMatchObject({ ok: false, diagnosis: { mistake: "upper-case-hex" } });
  });

  it("signs what it sends with the newest secret", () => {
    expect(signingSecret(partner!.secret)).toBe(NEW);
  });

  it("takes either Kyren token", () => {
    for (const token of ["casino-one-kyren-new-1", "casino-one-kyren-old-1"]) {
      expect(authenticateKyrenRequest({ secureLogin: "casino-one", token }, find)).toMatchObject({ ok: true });
    }
    expect(authenticateKyrenRequest({ secureLogin: "casino-one", token: "casino-one-kyren-new" }, find)).toMatchObject({ ok: false });
  });
});

describe("a reload of the partners file", () => {
  const lines: { level: string; text: string }[] = [];
  const log = Object.fromEntries(
    ["info", "warn", "error"].map((level) => [
      level,
      (first: unknown, second?: string) =>
        lines.push({ level, text: `${second ?? first} ${typeof first === "object" ? JSON.stringify(first) : ""}` }),
    ]),
  ) as unknown as FastifyBaseLogger;

  it("puts the new partners in place at once, and keeps them when the new file is broken", () => {
    const file = partnersFile("reload.yaml", `partners:\n  - memberId: casino-one\n    secret: ${OLD}\n`);
    const { directory } = startupPartners(file, "sandbox");
    writeFileSync(
      file,
      `partners:\n  - memberId: casino-two\n    secret: casino-two-secret-0001\n  - memberId: casino-one\n    secrets: [${NEW}, ${OLD}]\n`,
    );
    expect(reloadPartners(file, directory, log)).toBe(true);
    expect(directory.all().map((partner) => partner.memberId)).toEqual(["casino-two", "casino-one"]);
    expect(directory.get("casino-one")!.secret).toEqual([NEW, OLD]);
    expect(lines.find((line) => line.text.includes("re-read"))!.text).toContain("2 partners (1 added, 0 removed, 1 changed)");

    writeFileSync(file, `partners:\n  - memberId: casino-two\n    secret: [oops ${NEW}\n`);
    expect(reloadPartners(file, directory, log)).toBe(false);
    expect(directory.get("casino-one")!.secret).toEqual([NEW, OLD]);
    const error = lines.at(-1)!;
    expect(error.level).toBe("error");
    expect(error.text).toMatch(/not valid YAML or JSON \(\w+ at line \d+, column \d+; the line is not shown/);
    expect(error.text).not.toContain(NEW);

    writeFileSync(file, `partners:\n  - memberId: casino-two\n    secret: casino-two-secret-0001\n`);
    expect(reloadPartners(file, directory, log)).toBe(true);
    expect(directory.get("casino-one")).toBeUndefined();
    expect(lines.every((line) => !line.text.includes(OLD) && !line.text.includes(NEW))).toBe(true);
  });

  it("takes a new secret at once for authentication, though each secret's key is made once (the keys go with the old partners)", () => {
    const file = partnersFile("keys.yaml", `partners:\n  - memberId: casino-one\n    secret: ${OLD}\n`);
    const { directory } = startupPartners(file, "sandbox");
    const oldRequest = signed(OLD);
    expect(authenticateSignedRequest(oldRequest, directory.get)).toMatchObject({ ok: true });
    expect(authenticateSignedRequest(oldRequest, directory.get)).toMatchObject({ ok: true });
    writeFileSync(file, `partners:\n  - memberId: casino-one\n    secret: ${NEW}\n`);
    expect(reloadPartners(file, directory, log)).toBe(true);
    expect(authenticateSignedRequest(oldRequest, directory.get)).toMatchObject({ ok: false, kind: "unauthenticated" });
    expect(authenticateSignedRequest(signed(NEW), directory.get)).toMatchObject({ ok: true, memberId: "casino-one" });
  });
});
