/** Small helpers shared by the benchmarks: timing, statistics, child processes, output. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Wall and CPU time of one measured call. */
export interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** Runs `fn` once and measures its wall time and this process's CPU time. */
export async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** The p-th percentile (0..100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Median of `values`. */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Formats a number with a fixed number of decimals. */
export function fmt(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : String(value);
}

/** Prints one result line: name, value, and whether it meets the target. */
export function report(name: string, value: string, target?: { ok: boolean; text: string }): void {
  const verdict = target ? ` (target ${target.text}: ${target.ok ? "met" : "NOT met"})` : "";
  console.log(`  ${name.padEnd(46)} ${value}${verdict}`);
}

/**
 * Starts a TypeScript file of this folder in a child process (through tsx, with GC exposed)
 * and reads its first stdout line; later lines come through `lines`, input goes to its stdin.
 * Its stderr is this process's unless `options.stderr` says otherwise (e.g. a file descriptor).
 */
export async function startHelperProcess(
  file: string,
  args: string[] = [],
  env: Record<string, string> = {},
  options: { stderr?: "inherit" | "ignore" | number } = {},
): Promise<{ child: ChildProcess; firstLine: string; lines: Interface }> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CHILD_FLAGS?.split(" ").filter(Boolean) ?? []),
      "--expose-gc",
      "--import",
      "tsx",
      path,
      ...args,
    ],
    {
      stdio: ["pipe", "pipe", options.stderr ?? "inherit"],
      env: { ...process.env, ...env },
    },
  );
  if (child.stdout === null) throw new Error(`${file}: no stdout`);
  const lines = createInterface({ input: child.stdout });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, firstLine, lines };
}

/** Sends one line to a helper process and resolves with its next stdout line. */
export async function ask(
  helper: { child: ChildProcess; lines: Interface },
  line: string,
): Promise<string> {
  const answer = new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`helper exited with ${code}`));
    helper.child.once("exit", onExit);
    helper.lines.once("line", (text) => {
      helper.child.off("exit", onExit);
      resolve(text);
    });
  });
  helper.child.stdin?.write(`${line}\n`);
  return answer;
}
