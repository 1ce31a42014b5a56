/**
 * The command `session-api-certify` of the certification-kit package
 * (`@luckymonaco/session-api-certify`, src/packaging/bundled.ts): runs the CLI of cli.ts on
 * the process's arguments and exits with its status. In the repository the same CLI is
 * `npm run -s certify -- …`.
 */
import { runCertifyCli } from "./cli.js";

process.exitCode = await runCertifyCli(process.argv.slice(2));
