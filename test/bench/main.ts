/**
 * `npm run bench [-- flags]`: the ENTER benchmark (enter-benchmark.ts); with `--callbacks`
 * the session expired callback benchmark (callback-benchmark.ts); with `--rows N` the
 * benchmark at size (size-benchmark.ts). Each prints its own `--help`.
 */
const index = process.argv.indexOf("--callbacks");
if (index >= 0) {
  process.argv.splice(index, 1);
  await import("./callback-benchmark.js");
} else if (process.argv.some((argument) => argument === "--rows" || argument.startsWith("--rows="))) {
  await import("./size-benchmark.js");
} else {
  await import("./enter-benchmark.js");
}
