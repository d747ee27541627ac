/**
 * `npm run bench`: runs every benchmark in its own process, one after the other, and prints
 * ratios against baselines measured in the same run, each figure with its target; results also
 * go to `bench/results/` as JSON. `npm run bench -- engine` runs one (or those named);
 * `npm run bench -- compare A B` compares two sets of results (see compare.ts).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
if (only[0] === "compare") {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", `${dir}compare.ts`, ...only.slice(1)],
    { stdio: "inherit" },
  );
  process.exit(result.status ?? 1);
}
const files = readdirSync(dir)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", `${dir}${file}`], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
