/**
 * The launch-token secret (see config.ts): `LAUNCH_TOKEN_SECRET` when set, otherwise a
 * file that keeps a generated one, so that a restart (and every instance sharing the file)
 * issues the same launch URL for a replayed ENTER.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { defaultLaunchTokenSecretFile, type ServerConfig } from "./config.js";

/**
 * Reads the secret file, creating it first with a random secret if it is missing. Two
 * instances that start together agree: the file appears whole or not at all (link of a
 * complete temporary file), and the loser reads the winner's.
 *
 * @throws Error naming LAUNCH_TOKEN_SECRET_FILE when the file cannot be created or read,
 *   or holds fewer than 32 characters
 */
function readOrCreateSecretFile(file: string): Buffer {
  let secret: string;
  try {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, randomBytes(32).toString("hex"), { mode: 0o600 });
      try {
        linkSync(temporary, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      } finally {
        unlinkSync(temporary);
      }
    }
    secret = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new Error(`LAUNCH_TOKEN_SECRET_FILE ${file}: ${(error as Error).message}`);
  }
  if (secret.length < 32) throw new Error(`LAUNCH_TOKEN_SECRET_FILE ${file} holds fewer than 32 characters`);
  return Buffer.from(secret, "utf8");
}

/**
 * LAUNCH_TOKEN_SECRET, or the secret of LAUNCH_TOKEN_SECRET_FILE (see config.ts); on
 * PostgreSQL the file only when set explicitly, since all instances must share the secret.
 *
 * @throws Error on PostgreSQL with neither variable set, or when the file is unusable
 */
export function launchSecret(config: ServerConfig, storeKind: "sqlite" | "postgres", sandbox: boolean, warnings: string[]): Buffer {
  if (config.launchTokenSecret) return Buffer.from(config.launchTokenSecret, "utf8");
  if (storeKind === "postgres" && !config.launchTokenSecretFile) {
    throw new Error(
      "LAUNCH_TOKEN_SECRET is required with a PostgreSQL DATABASE_URL: every instance must key launch tokens with the same secret (or set LAUNCH_TOKEN_SECRET_FILE to a file that all instances share)",
    );
  }
  const file = resolve(config.launchTokenSecretFile ?? defaultLaunchTokenSecretFile);
  const secret = readOrCreateSecretFile(file);
  // In the sandbox its own warning says the server is not for production; one line is enough.
  if (!sandbox) warnings.push(`LAUNCH_TOKEN_SECRET is not set: launch tokens are keyed with ${file}; set it in production`);
  return secret;
}
