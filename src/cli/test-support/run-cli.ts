/**
 * Runs the `crewstream` CLI from its TypeScript source in a child process (through tsx's
 * loader, so tests need no build), the way a user runs it: real argv, env, exit code and
 * signals.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;

/** Options of {@link spawnCli} and {@link runCli}. */
export interface CliOptions {
  cwd?: string;
  /** Added to the test process's environment. */
  env?: Record<string, string | undefined>;
}

/** What a finished CLI process left behind. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI with `args`; stdio is piped (so stdout is not a TTY). */
export function spawnCli(
  args: readonly string[],
  options: CliOptions = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", TSX_LOADER, MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: "pipe",
  });
}

/** Collects a spawned CLI's output until it exits. */
export function collectCli(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion with stdin closed. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  child.stdin.end();
  return collectCli(child);
}
