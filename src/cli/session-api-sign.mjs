#!/usr/bin/env node
// The `session-api-sign` command of this package: runs sign.ts under tsx.
import { register } from "tsx/esm/api";

register();
process.argv[1] = new URL("./sign.ts", import.meta.url).pathname;
await import("./sign.ts");
