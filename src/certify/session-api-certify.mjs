#!/usr/bin/env node
// The `session-api-certify` command of this package: runs cli.ts under tsx.
import { register } from "tsx/esm/api";

register();
process.argv[1] = new URL("./cli.ts", import.meta.url).pathname;
await import("./cli.ts");
