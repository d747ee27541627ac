/**
 * `serve` runs in one of two modes, and some of its flags mean something in only one of them.
 * A flag typed on the command line that would do nothing is refused (exit 2) rather than
 * silently ignored. Values from environment variables are not refused: a deployment commonly
 * gives servers and workers one shared environment (`CREWSTREAM_MODEL` is for the workers).
 */
import type { Command } from "commander";
import { cliName } from "./cli-name.js";

/** Flags that only the single-process server uses, and why they do nothing with `--redis`. */
const SINGLE_PROCESS_ONLY: ReadonlyArray<{ key: string; flag: string; why: string }> = [
  { key: "db", flag: "--db", why: "runs are stored in Redis" },
  {
    key: "persist",
    flag: "--no-persist",
    why: "runs are stored in Redis (--retention-ms says how long they stay)",
  },
  {
    key: "maxRuns",
    flag: "--max-runs",
    why: `workers run the crews; limit each with \`${cliName()} worker --concurrency <n>\``,
  },
  {
    key: "model",
    flag: "--model",
    why: `workers run the crews; give it to them with \`${cliName()} worker --model <provider/model>\``,
  },
];

/** Flags that only the cluster server (`--redis`) uses. */
const CLUSTER_ONLY: ReadonlyArray<{ key: string; flag: string }> = [
  { key: "redisPrefix", flag: "--redis-prefix" },
  { key: "stallMs", flag: "--stall-ms" },
  { key: "retentionMs", flag: "--retention-ms" },
];

/**
 * Fails the command (commander's usage error, exit 2) if a flag given on its command line does
 * nothing in the mode `redis` selects.
 */
export function refuseIdleServeFlags(command: Command, redis: boolean): void {
  const given = (key: string): boolean => command.getOptionValueSource(key) === "cli";
  const fail = (message: string): never =>
    command.error(`error: ${message}`, { exitCode: 2, code: "crewstream.idleFlag" });
  if (redis) {
    const idle = SINGLE_PROCESS_ONLY.find(({ key }) => given(key));
    if (idle) fail(`${idle.flag} does nothing with --redis: ${idle.why}.`);
  } else {
    const idle = CLUSTER_ONLY.find(({ key }) => given(key));
    if (idle) fail(`${idle.flag} only applies with --redis <url> (or CREWSTREAM_REDIS_URL).`);
  }
}
