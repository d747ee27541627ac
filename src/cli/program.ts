/**
 * The `crewstream` program: `run`, `serve`, `runs`, `replay` and `init`. Each command lives
 * in its own file and answers an exit code; this file only declares flags and help texts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { PACKAGE_ROOT } from "./cli-paths.js";
import { reportError } from "./exit-codes.js";
import { collect } from "./parse-inputs.js";
import type { ReplayCommandOptions } from "./replay-command.js";
import type { RunCommandOptions } from "./run-command.js";
import type { RunsCommandOptions } from "./runs-command.js";
import type { ServeCommandOptions } from "./serve-command.js";
import { registerScaleCommands } from "./worker-command.js";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "0.0.0";
}

/**
 * Runs a command action and sets the process exit code from its answer or its error. Command
 * modules are imported when their command runs, so `run` never loads the server and `--help`
 * loads nothing.
 */
async function exitWith(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

/** Builds the program; `main.ts` parses `process.argv` with it. */
export function createProgram(): Command {
  const program = new Command("crewstream")
    .description("Run CrewAI-style crews of AI agents and stream everything they do, live.")
    .version(packageVersion(), "-v, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)");

  program
    .command("run")
    .description("run a crew and show its agents and tasks live")
    .argument(
      "[crew]",
      "crew folder, or a crew name from the crews folders (default: the research crew example)",
    )
    .option(
      "-i, --input <key=value>",
      "an input for {placeholders}; repeat for several",
      collect,
      [],
    )
    .option("--input-json <json>", "inputs as a JSON object (numbers and booleans keep their type)")
    .addOption(
      new Option(
        "-m, --model <provider/model>",
        "model for every agent, e.g. openai/gpt-4o-mini, offline",
      ).env("CREWSTREAM_MODEL"),
    )
    .option("--jsonl", "write the protocol events to stdout, one JSON per line, and nothing else")
    .option(
      "--progress-stderr",
      'write the legacy {"type":"progress",...} lines to stderr and the result to stdout',
    )
    .addOption(
      new Option("--db <path>", "SQLite database of runs (default .crewstream/crewstream.db)").env(
        "CREWSTREAM_DB",
      ),
    )
    .option("--no-persist", "keep the run in memory only (it will not appear in `crewstream runs`)")
    .option("--crews <dir...>", "folders holding crews, for crew names (env CREWSTREAM_CREWS)")
    .addHelpText(
      "after",
      `
Output: a live view in a terminal, plain lines when piped, --jsonl for machines.
Exit codes: 0 completed, 1 failed, 2 bad command or crew, 130 cancelled (Ctrl-C).

Examples:
  $ crewstream run --input topic="solar batteries"
  $ crewstream run ./my-crew -i topic=AI -i year=2026 --jsonl > events.jsonl
  $ crewstream run --model openai/gpt-4o-mini --progress-stderr`,
    )
    .action((crew: string | undefined, options: RunCommandOptions) =>
      exitWith(async () => (await import("./run-command.js")).runCommand(crew, options)),
    );

  program
    .command("serve")
    .description("serve the HTTP/WebSocket API and the web chat UI")
    .addOption(
      new Option("--host <host>", "interface to bind").env("CREWSTREAM_HOST").default("127.0.0.1"),
    )
    .addOption(
      new Option(
        "--allowed-hosts <names>",
        "Host names besides loopback a loopback-bound server answers for (comma-separated)",
      ).env("CREWSTREAM_ALLOWED_HOSTS"),
    )
    .addOption(
      new Option("-p, --port <port>", "port to listen on (0 picks a free one)")
        .env("CREWSTREAM_PORT")
        .default("5757"),
    )
    .addOption(
      new Option("--db <path>", "SQLite database of runs (default .crewstream/crewstream.db)").env(
        "CREWSTREAM_DB",
      ),
    )
    .addOption(new Option("--no-persist", "keep runs in memory only"))
    .option(
      "--crews <dir...>",
      "folders holding crews (env CREWSTREAM_CREWS; default: the examples)",
    )
    .addOption(
      new Option("-m, --model <provider/model>", "model for every agent").env("CREWSTREAM_MODEL"),
    )
    .addOption(
      new Option("--max-runs <n>", "runs at the same time; the rest queue").env(
        "CREWSTREAM_MAX_RUNS",
      ),
    )
    .addOption(
      new Option("--token <token>", "require Authorization: Bearer <token> on /api").env(
        "CREWSTREAM_TOKEN",
      ),
    )
    .action((options: ServeCommandOptions) =>
      exitWith(async () => (await import("./serve-command.js")).serveCommand(options)),
    );

  program
    .command("runs")
    .description("list recent runs")
    .addOption(new Option("--db <path>", "SQLite database of runs").env("CREWSTREAM_DB"))
    .option("-n, --limit <n>", "how many runs to show", "20")
    .option(
      "--status <status>",
      "only runs with this status: queued, running, completed, failed, cancelled",
    )
    .option("--json", "print the runs as JSON")
    .action((options: RunsCommandOptions) =>
      exitWith(async () => (await import("./runs-command.js")).runsCommand(options)),
    );

  program
    .command("replay")
    .description("replay a stored run's events (live view, plain lines or JSONL)")
    .argument("<runId>", "the run's id (see `crewstream runs`)")
    .addOption(new Option("--db <path>", "SQLite database of runs").env("CREWSTREAM_DB"))
    .option("--jsonl", "write the events as JSON lines")
    .option(
      "--speed <factor>",
      "pace by the original timestamps (1 = real time, 4 = four times faster)",
    )
    .action((runId: string, options: ReplayCommandOptions) =>
      exitWith(async () => {
        const abort = new AbortController();
        const stop = (): void => abort.abort();
        process.once("SIGINT", stop);
        try {
          const { replayCommand } = await import("./replay-command.js");
          return await replayCommand(runId, options, abort.signal);
        } finally {
          process.off("SIGINT", stop);
        }
      }),
    );

  program
    .command("init")
    .description("create a new crew folder (agents.yaml, tasks.yaml, crew.yaml)")
    .argument("<dir>", "folder to create")
    .action((dir: string) =>
      exitWith(async () => (await import("./init-command.js")).initCommand(dir)),
    );

  // `worker` and `serve --redis`: several processes sharing runs through Redis.
  registerScaleCommands(program);
  return program;
}
