// Builds what the integration suites read before any of them runs: the offline docs
// site (dist/docs/), exactly as `npm run docs` does (a no-op when it is up to date), with
// the local defaults whatever PUBLIC_SANDBOX_URL the shell has: the suites call the
// sandboxes they start on loopback. Its output is shown only when the build fails. The unit tier needs no build step: it reads
// the committed generated/.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  try {
    execFileSync("npm", ["run", "-s", "docs"], {
      stdio: "pipe",
      env: { ...process.env, PUBLIC_SANDBOX_URL: "", PUBLIC_PRODUCTION_URL: "", PUBLIC_MOCK_URL: "" },
    });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run docs failed:\n${failure.stdout}\n${failure.stderr}`);
  }
}
