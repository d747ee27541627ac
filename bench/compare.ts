/**
 * `npm run bench -- compare A B`: prints the differences between two sets of results. A and B
 * are tags (`before`, `latest`: every `bench/results/<bench>-<tag>.json` present for both) or
 * two results files. For each figure: the median over the file's runs with its spread
 * (min-max), the change from A to B, and whether B meets the figure's target.
 * `compare A` alone prints A's figures with their spread.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { median } from "./harness.js";
import { RESULTS_DIR, type BenchFile } from "./results.js";

const [a, given] = process.argv.slice(2);
if (a === undefined) {
  console.error("usage: npm run bench -- compare <tag or file> [<tag or file>]");
  process.exit(2);
}
const b = given ?? a;

/** Pairs of files to compare, by benchmark name. */
function pairs(left: string, right: string): Array<[string, string, string]> {
  if (existsSync(left) && existsSync(right)) return [[basename(left, ".json"), left, right]];
  if (existsSync(left) || existsSync(right)) throw new Error("give two files, or two tags");
  const benches = (tag: string) =>
    readdirSync(RESULTS_DIR)
      .filter((file) => file.endsWith(`-${tag}.json`))
      .map((file) => file.slice(0, -`-${tag}.json`.length));
  const both = benches(left).filter((bench) => benches(right).includes(bench));
  if (both.length === 0)
    throw new Error(`no benchmark has results tagged both ${left} and ${right}`);
  return both.map((bench) => [
    bench,
    `${RESULTS_DIR}${bench}-${left}.json`,
    `${RESULTS_DIR}${bench}-${right}.json`,
  ]);
}

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as BenchFile;
const num = (value: number) =>
  Math.abs(value) >= 1000
    ? value.toFixed(0)
    : Math.abs(value) >= 10
      ? value.toFixed(1)
      : value.toFixed(2);

/** Median and spread of one figure over a file's runs ("-" when absent). */
function spread(file: BenchFile, name: string): { median: number; text: string } | undefined {
  const values = file.runs
    .map((run) => run.figures[name]?.value)
    .filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  if (values.length === 0) return undefined;
  const mid = median(values);
  const range =
    values.length > 1 ? ` (${num(Math.min(...values))}-${num(Math.max(...values))})` : "";
  return { median: mid, text: `${num(mid)}${range}` };
}

for (const [bench, left, right] of pairs(a, b)) {
  const before = read(left);
  const after = read(right);
  const describe = (file: BenchFile) =>
    `${file.runs.length} run(s), ${[...new Set(file.runs.map((r) => r.commit))].join(", ")}, load ${file.runs.map((r) => r.load.start[0]).join("/")}`;
  const alone = given === undefined;
  console.log(
    alone
      ? `\n=== ${bench}: ${describe(after)}`
      : `\n=== ${bench}: A ${describe(before)}; B ${describe(after)}`,
  );
  const names = [
    ...new Set([...after.runs, ...before.runs].flatMap((run) => Object.keys(run.figures))),
  ];
  for (const name of names) {
    const x = spread(before, name);
    const y = spread(after, name);
    const last = after.runs.at(-1)?.figures[name] ?? before.runs.at(-1)?.figures[name];
    const unit = (last?.unit === "x" ? "x" : ` ${last?.unit ?? ""}`).padEnd(10);
    const change =
      x !== undefined && y !== undefined && x.median !== 0
        ? `${y.median >= x.median ? "+" : ""}${(((y.median - x.median) / Math.abs(x.median)) * 100).toFixed(0)}%`
        : "";
    const measured = after.runs.filter((run) => run.figures[name] !== undefined).length;
    const metNow = after.runs.filter((run) => run.figures[name]?.met === true).length;
    const target =
      last?.target === undefined ? "" : `  target ${last.target}: met in ${metNow}/${measured}`;
    const figures = alone
      ? `${(y?.text ?? "-").padStart(24)}${unit}`
      : `${(x?.text ?? "-").padStart(20)} -> ${(y?.text ?? "-").padStart(20)}${unit} ${change.padStart(6)}`;
    console.log(`  ${name.padEnd(66)} ${figures}${target}`);
  }
}
