// Builds what the suites read before any of them runs: the bundle (dist/openapi.{yaml,json})
// and the offline docs site (dist/docs/), exactly as `npm run docs` does. Its output is
// shown only when the build fails.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  try {
    execFileSync("npm", ["run", "-s", "docs"], { stdio: "pipe" });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run docs failed:\n${failure.stdout}\n${failure.stderr}`);
  }
}
