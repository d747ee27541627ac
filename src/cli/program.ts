/**
 * The `crewstream` program: `run`, `serve`, `worker`, `runs`, `replay` and `init`. Every flag
 * of every command is declared here, once (shared ones come from `flags.ts`); each command's
 * action lives in its own file and answers an exit code.
 *
 * Mistakes in the command line (an unknown command or flag, a bad number, a flag that does
 * nothing) exit 2 with one line naming the mistake and one pointing at the command's help.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Argument, Command, CommanderError, Option } from "commander";
import { cliName } from "./cli-name.js";
import { PACKAGE_ROOT } from "./cli-paths.js";
import { ExitCode, reportError } from "./exit-codes.js";
import {
  crewsFlag,
  dbFlag,
  logFormatFlag,
  logLevelFlag,
  metricsFlag,
  modelFlag,
  noPersistFlag,
  redisFlags,
  runTimeoutFlag,
} from "./flags.js";
import { refuseIdleServeFlags } from "./idle-flags.js";
import { collect } from "./parse-inputs.js";
import { numberArg } from "./parse-number.js";
import type { ClusterServeCommandOptions } from "./cluster-serve-command.js";
import type { ReplayCommandOptions } from "./replay-command.js";
import type { RunCommandOptions } from "./run-command.js";
import type { MemoryCommandOptions } from "./memory-command.js";
import type { RunsCommandOptions } from "./runs-command.js";
import type { WorkerCommandOptions } from "./worker-command.js";

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

/** Adds a subcommand whose usage errors end with a pointer to its own help. */
function subcommand(program: Command, name: string): Command {
  return program
    .command(name)
    .showHelpAfterError(`(run \`${cliName()} ${name} --help\` for usage)`);
}

/**
 * Builds the program. Commander's exits are overridden (inherited by every subcommand), so a
 * usage error throws a CommanderError that {@link runProgram} turns into exit code 2.
 */
function createProgram(): Command {
  const program = new Command("crewstream")
    .description("Run CrewAI-style crews of AI agents and stream everything they do, live.")
    .version(packageVersion(), "-v, --version", "print the version")
    .exitOverride()
    .showHelpAfterError(`(run \`${cliName()} --help\` for usage)`);

  subcommand(program, "run")
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
    .addOption(modelFlag())
    .option("--jsonl", "write the protocol events to stdout, one JSON per line, and nothing else")
    .option(
      "--progress-stderr",
      'write the legacy {"type":"progress",...} lines to stderr and the result to stdout',
    )
    .addOption(dbFlag())
    .addOption(
      noPersistFlag("keep the run in memory only (it will not appear in `crewstream runs`)"),
    )
    .addOption(crewsFlag("none; the research crew example runs"))
    .option("--command", "run the program given after -- as a process crew, without crew.yaml")
    .option("--name <name>", "with --command: the crew's name (default: the current folder's)")
    .option(
      "--thread <id>",
      "run as the next turn of this conversation (new ids start one): the crew gets its earlier turns",
    )
    .addOption(runTimeoutFlag("--timeout"))
    .option(
      "--inputs-file <path>",
      "a batch: one run per line of this JSON-lines file (each line an inputs object)",
    )
    .addOption(
      new Option(
        "--concurrency <n>",
        "with --inputs-file: runs executed at once (default 4)",
      ).argParser(numberArg({ min: 1, max: 1_000, unit: "runs" })),
    )
    .allowExcessArguments()
    .addHelpText(
      "after",
      `
Output: a live view in a terminal, plain lines when piped, --jsonl for machines.
Exit codes: 0 completed, 1 failed, 2 bad command or crew, 130 cancelled (Ctrl-C).

Examples:
  $ ${cliName()} run --input topic="solar batteries"
  $ ${cliName()} run ./my-crew -i topic=AI -i year=2026 --jsonl > events.jsonl
  $ ${cliName()} run --model openai/gpt-4o-mini --progress-stderr
  $ ${cliName()} run --thread notes -i topic=lighthouses && ${cliName()} run --thread notes -i topic="shorter"
  $ ${cliName()} run --command --name research -i topic=AI -- python3 crew/run.py`,
    )
    .action((crew: string | undefined, options: RunCommandOptions, command: Command) => {
      if (options.command !== true && command.args.length > 1) {
        command.error(
          `error: too many arguments for 'run'. Expected 1 crew but got ${command.args.length}; to run a program, use --command -- <program> [args...].`,
        );
      }
      if (options.command !== true && options.name !== undefined) {
        command.error(
          "error: --name names a --command crew; a crew folder's name comes from its crew.yaml.",
        );
      }
      return exitWith(async () =>
        (await import("./run-command.js")).runCommand(crew, { ...options, operands: command.args }),
      );
    });

  const serve = subcommand(program, "serve")
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
        .argParser(numberArg({ min: 0, max: 65_535 }))
        .default(5757),
    )
    .addOption(
      new Option("--token <token>", "require Authorization: Bearer <token> on /api").env(
        "CREWSTREAM_TOKEN",
      ),
    )
    .addOption(crewsFlag("the examples"))
    .addOption(dbFlag())
    .addOption(noPersistFlag("keep runs in memory only"))
    .addOption(
      new Option("--max-runs <n>", "runs at the same time; the rest queue (default 16)")
        .env("CREWSTREAM_MAX_RUNS")
        .argParser(numberArg({ min: 1, max: 10_000, unit: "runs" })),
    )
    .addOption(
      new Option(
        "--max-streams-per-client <n>",
        "event streams one client address may hold open at once (default 64)",
      )
        .env("CREWSTREAM_MAX_STREAMS_PER_CLIENT")
        .argParser(numberArg({ min: 1, max: 100_000, unit: "streams" })),
    )
    .addOption(runTimeoutFlag("--run-timeout"))
    .addOption(modelFlag())
    .addOption(metricsFlag())
    .addOption(logFormatFlag())
    .addOption(logLevelFlag());
  for (const flag of redisFlags()) serve.addOption(flag);
  serve
    .addHelpText(
      "after",
      `
With --redis, runs are queued for \`crewstream worker\` processes and streamed from Redis, so
several servers can share them. --db, --no-persist, --max-runs and --model do nothing then
and are refused; give --model and --concurrency to the workers.`,
    )
    .action((options: ClusterServeCommandOptions, command: Command) => {
      refuseIdleServeFlags(command, options.redis !== undefined);
      return exitWith(async () =>
        options.redis === undefined
          ? (await import("./serve-command.js")).serveCommand(options)
          : (await import("./cluster-serve-command.js")).clusterServeCommand(options),
      );
    });

  const worker = subcommand(program, "worker")
    .description("execute queued runs from Redis (start servers with serve --redis)")
    .addOption(
      new Option("-c, --concurrency <n>", "runs executed at once")
        .env("CREWSTREAM_CONCURRENCY")
        .argParser(numberArg({ min: 1, max: 1000, unit: "runs" }))
        .default(4),
    )
    .addOption(crewsFlag("the examples"))
    .addOption(modelFlag())
    .addOption(
      new Option(
        "--metrics-port <port>",
        "serve this worker's Prometheus metrics at GET /metrics on this port (0 picks a free one; default: none)",
      )
        .env("CREWSTREAM_WORKER_METRICS_PORT")
        .argParser(numberArg({ min: 0, max: 65_535 })),
    )
    .addOption(
      new Option("--metrics-host <host>", "interface the metrics port binds")
        .env("CREWSTREAM_WORKER_METRICS_HOST")
        .default("127.0.0.1"),
    )
    .addOption(logFormatFlag())
    .addOption(logLevelFlag());
  for (const flag of redisFlags()) worker.addOption(flag);
  worker.addHelpText(
    "after",
    `
With --metrics-port, GET /metrics answers this worker's run outcomes, events appended, store
latency, model calls, tokens, cost and rate-limit waits; it needs CREWSTREAM_TOKEN when set.`,
  );
  worker.action((options: WorkerCommandOptions, command: Command) => {
    if (command.getOptionValueSource("metricsHost") === "cli" && options.metricsPort === undefined)
      command.error("error: --metrics-host does nothing without --metrics-port <port>.", {
        exitCode: ExitCode.USAGE,
        code: "crewstream.idleFlag",
      });
    return exitWith(async () => (await import("./worker-command.js")).workerCommand(options));
  });

  subcommand(program, "runs")
    .description("list recent runs")
    .addOption(dbFlag())
    .addOption(
      new Option("-n, --limit <n>", "how many runs to show")
        .argParser(numberArg({ min: 1, max: 1000, unit: "runs" }))
        .default(20),
    )
    .addOption(
      new Option("--status <status>", "only runs with this status").choices([
        "queued",
        "running",
        "completed",
        "failed",
        "cancelled",
      ]),
    )
    .option("--json", "print the runs as JSON")
    .action((options: RunsCommandOptions) =>
      exitWith(async () => (await import("./runs-command.js")).runsCommand(options)),
    );

  subcommand(program, "memory")
    .description("list or reset crews' long-term memory (crew.yaml `memory: true`)")
    .addArgument(new Argument("<action>", "what to do").choices(["list", "reset"]))
    .argument("[crew]", "only this crew's memory")
    .addOption(dbFlag())
    .option("--json", "print the entries as JSON (list)")
    .action((action: string, crew: string | undefined, options: MemoryCommandOptions) =>
      exitWith(async () =>
        (await import("./memory-command.js")).memoryCommand(action, crew, options),
      ),
    );

  subcommand(program, "replay")
    .description("replay a stored run's events (live view, plain lines or JSONL)")
    .argument("<runId>", "the run's id (see `crewstream runs`)")
    .addOption(dbFlag())
    .option("--jsonl", "write the events as JSON lines")
    .addOption(
      new Option(
        "--speed <factor>",
        "pace by the original timestamps (1 = real time, 4 = four times faster)",
      ).argParser(numberArg({ min: 0.01, max: 1000, fractions: true })),
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

  subcommand(program, "init")
    .description("create a new crew folder (agents.yaml, tasks.yaml, crew.yaml)")
    .argument("<dir>", "folder to create")
    .option(
      "--python",
      "a CrewAI project (crew/run.py with crewstream_bridge.py) run as a process crew",
    )
    .option("--tools", "also write tools.mjs, a module of the crew's own tools")
    .action((dir: string, options: { python?: boolean; tools?: boolean }) =>
      exitWith(async () => (await import("./init-command.js")).initCommand(dir, options)),
    );

  return program;
}

/**
 * Parses `argv` and runs the command it names, leaving its answer in `process.exitCode`:
 * `--help` and `--version` exit 0, every command-line mistake 2.
 */
export async function runProgram(argv: readonly string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
}
