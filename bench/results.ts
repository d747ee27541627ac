/**
 * Results of a benchmark run as JSON under `bench/results/`, one file per benchmark, so two
 * commits can be compared (`npm run bench -- compare A B`). Each file holds a list of runs;
 * each run has the commit, the date, the machine's load average before and after, the
 * settings, and every figure with its unit, its target and whether it was met.
 *
 * The file is `bench/results/<bench>-<tag>.json`, the tag from `BENCH_TAG` (default `latest`).
 * A run replaces the file, or with `BENCH_APPEND=1` is added to it, so repeated runs on one
 * commit keep their spread.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { report } from "./harness.js";

/** One measured figure. */
export interface Figure {
  value: number;
  unit: string;
  /** The target as text, e.g. `<= 1.10x`. */
  target?: string;
  met?: boolean;
}

/** One run of one benchmark. */
export interface BenchRun {
  /** The commit of the tree (`-dirty` when tracked files differ from it). */
  commit: string;
  /** The last commit that changed `src/` (the code measured, apart from the benchmarks). */
  srcCommit: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  load: { start: number[]; end: number[] };
  settings: Record<string, unknown>;
  figures: Record<string, Figure>;
}

/** A results file: one benchmark's runs. */
export interface BenchFile {
  bench: string;
  runs: BenchRun[];
}

/** Where the results files are. */
export const RESULTS_DIR = fileURLToPath(new URL("results/", import.meta.url));

const git = (args: string[]) =>
  execFileSync("git", args, {
    cwd: RESULTS_DIR.replace(/results\/$/, ""),
    encoding: "utf8",
  }).trim();

/** The short commit hash, with `-dirty` when tracked files differ from it. */
function commitOf(): string {
  try {
    const hash = git(["rev-parse", "--short", "HEAD"]);
    const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
    return dirty ? `${hash}-dirty` : hash;
  } catch {
    return "unknown";
  }
}

/** The last commit that changed `src/`, with `-dirty` when `src/` differs from it. */
function srcCommitOf(): string {
  try {
    const hash = git(["log", "-1", "--format=%h", "--", "../src"]);
    const dirty = git(["status", "--porcelain", "--untracked-files=no", "--", "../src"]) !== "";
    return dirty ? `${hash}-dirty` : hash;
  } catch {
    return "unknown";
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Collects one run's figures, printing each as it comes, and writes them at the end. */
export class BenchResults {
  readonly #bench: string;
  readonly #run: BenchRun;

  constructor(bench: string, settings: Record<string, unknown>) {
    this.#bench = bench;
    this.#run = {
      commit: commitOf(),
      srcCommit: srcCommitOf(),
      date: new Date().toISOString(),
      load: { start: loadavg().map(round), end: [] },
      settings,
      figures: {},
    };
    console.log(
      `  (load average ${this.#run.load.start.join(" ")}, commit ${this.#run.commit}, src at ${this.#run.srcCommit})`,
    );
  }

  /**
   * Records a figure and prints it like {@link report}: `value` with `decimals` decimals and
   * `unit`, then the target and met/NOT met when there is one.
   */
  figure(
    name: string,
    value: number,
    unit: string,
    options: { decimals?: number; target?: { ok: boolean; text: string }; note?: string } = {},
  ): void {
    const shown = Number.isFinite(value) ? value.toFixed(options.decimals ?? 2) : String(value);
    const suffix = unit === "x" ? "x" : ` ${unit}`;
    report(name, `${shown}${suffix}${options.note ? ` ${options.note}` : ""}`, options.target);
    this.#run.figures[name] = {
      value: Number.isFinite(value) ? round(value) : value,
      unit,
      ...(options.target ? { target: options.target.text, met: options.target.ok } : {}),
    };
  }

  /** Adds settings learnt while running (e.g. a server's limits). */
  setting(name: string, value: unknown): void {
    this.#run.settings[name] = value;
  }

  /** Writes the run to `bench/results/<bench>-<tag>.json`; answers the path. */
  async write(): Promise<string> {
    this.#run.load.end = loadavg().map(round);
    const tag = process.env.BENCH_TAG ?? "latest";
    const path = `${RESULTS_DIR}${this.#bench}-${tag}.json`;
    mkdirSync(RESULTS_DIR, { recursive: true });
    const previous =
      process.env.BENCH_APPEND === "1" && existsSync(path)
        ? (JSON.parse(readFileSync(path, "utf8")) as BenchFile).runs
        : [];
    const file: BenchFile = { bench: this.#bench, runs: [...previous, this.#run] };
    writeFileSync(path, await format(JSON.stringify(file), { parser: "json" }));
    console.log(`  results: ${path} (load average at the end ${this.#run.load.end.join(" ")})`);
    return path;
  }
}
