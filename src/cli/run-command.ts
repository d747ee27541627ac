/**
 * `crewstream run [crew]`: runs a crew through the run manager (so the run is stored and
 * `crewstream runs` lists it) and shows it in the terminal until it ends.
 */
import { formatCrewWarnings } from "./crew-warnings.js";
import { CrewError, ErrorCode } from "../events/index.js";
import { checkInputNames, CrewCatalog, requiredInputs, type LoadedCrew } from "../crew/index.js";
import { resolveModel } from "../llm/index.js";
import { RunManager, runnerForCrew } from "../runs/index.js";
import { MemoryRunStore, SqliteRunStore, type RunStore } from "../store/index.js";
import { relative } from "node:path";
import { DEFAULT_CREW_DIR, resolveCrewDirs, resolveDbPath, useDatabase } from "./cli-paths.js";
import { cliName } from "./cli-name.js";
import { ExitCode, reportError } from "./exit-codes.js";
import { commandCrewOf, type CommandCrewFlags } from "./command-crew.js";
import { canAskHuman } from "./human-input.js";
import { parseInputs } from "./parse-inputs.js";
import { chooseOutputMode, createRunOutput } from "./run-output.js";
import { crewsFolders } from "./serve-support.js";
import { watchRun } from "./watch-run.js";
import { readInputsFile, runBatch } from "./batch-run.js";

/** Options of `crewstream run` (commander's names for the flags). */
export interface RunCommandOptions extends CommandCrewFlags {
  input?: string[];
  inputJson?: string;
  model?: string;
  jsonl?: boolean;
  progressStderr?: boolean;
  db?: string;
  /** False with `--no-persist`. */
  persist?: boolean;
  crews?: string[];
  /** `--timeout <ms>`: the run's time limit. */
  timeout?: number;
  /** `--inputs-file <path>`: a batch, one run per JSON line. */
  inputsFile?: string;
  /** `--concurrency <n>`: with --inputs-file, runs at once. */
  concurrency?: number;
  /** `--thread <id>`: the conversation this run continues. */
  thread?: string;
}

/**
 * The crew folder for a folder path or a crew name from the catalog's folders. Without a name: the default crew of those folders, else the research crew example.
 */
async function resolveCrewDir(crew: string | undefined, catalog: CrewCatalog): Promise<string> {
  if (crew !== undefined) return catalog.resolveDir(crew);
  const name = await catalog.resolveDefault();
  return name === undefined ? DEFAULT_CREW_DIR : catalog.resolveDir(name);
}

/** Says which crew a `run` without a crew argument chose, and how to choose another. */
async function announceDefault(catalog: CrewCatalog, name: string, dir: string): Promise<void> {
  const shown = relative(process.cwd(), dir);
  const others = (await catalog.list())
    .filter((entry) => entry.error === undefined && entry.name !== name)
    .map((entry) => entry.name);
  process.stderr.write(
    `Running the default crew "${name}" (${shown.startsWith("..") || shown === "" ? dir : shown}).` +
      (others.length === 0 ? "" : ` Other crews: ${others.join(", ")}.`) +
      ` Choose one with \`${cliName()} run <crew or folder>\`.\n`,
  );
}

/** Inputs the crew needs that neither the command line nor crew.yaml gives. */
function missingInputs(
  required: readonly string[],
  given: Record<string, unknown>,
  defaults: Record<string, unknown>,
): string[] {
  return required.filter((name) => !(name in given) && !(name in defaults));
}

/** Runs a crew; answers the exit code (0 completed, 1 failed, 2 bad command, 130 cancelled). */
export async function runCommand(
  crewArg: string | undefined,
  options: RunCommandOptions,
): Promise<number> {
  const inputs = parseInputs(options.input, options.inputJson);
  if (options.concurrency !== undefined && options.inputsFile === undefined)
    throw new CrewError(ErrorCode.BAD_REQUEST, "--concurrency goes with --inputs-file (a batch).");
  if (options.thread !== undefined && options.inputsFile !== undefined)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "--thread continues a conversation with one run; a batch (--inputs-file) has no thread.",
    );
  if (options.thread !== undefined && options.persist === false)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "--thread reads the conversation's earlier turns from the database; drop --no-persist.",
    );
  const items =
    options.inputsFile === undefined ? undefined : await readInputsFile(options.inputsFile, inputs);
  // Without --crews, a crew name is looked up among the crews in the working directory, then
  // among the examples.
  const given = resolveCrewDirs(options.crews);
  const catalog = new CrewCatalog({
    dirs: given.length > 0 ? given : [process.cwd(), ...crewsFolders(undefined)],
  });
  const command = commandCrewOf(options);
  let dir: string | undefined;
  let crew: LoadedCrew;
  if (command === undefined) {
    dir = await resolveCrewDir(crewArg, catalog);
    crew = await catalog.loadDir(dir);
  } else {
    crew = command;
  }
  // A misspelt input is named before the input it was meant for is reported missing.
  if (crew.kind === "crew") for (const item of items ?? [inputs]) checkInputNames(crew, item);
  const missing = [
    ...new Set(
      (items ?? [inputs]).flatMap((item) =>
        missingInputs(requiredInputs(crew), item, crew.defaultInputs),
      ),
    ),
  ];
  if (missing.length > 0) {
    const flags = missing.map((name) => `--input ${name}=...`).join(" ");
    process.stderr.write(
      `The crew "${crew.name}" needs ${missing.length === 1 ? "an input" : "inputs"} you did not give: ${missing.join(", ")}.\n` +
        `Pass ${missing.length === 1 ? "it" : "them"} like this: ${cliName()} run ${crewArg ?? ""} ${flags}\n`.replace(
          "  ",
          " ",
        ),
    );
    return ExitCode.USAGE;
  }
  process.stderr.write(formatCrewWarnings(crew.name, crew.warnings));
  // The legacy --progress-stderr lines are read by programs: nothing else goes there.
  if (crewArg === undefined && dir !== undefined && options.progressStderr !== true)
    await announceDefault(catalog, crew.name, dir);
  const human = crew.tasks.filter((task) => task.humanInput).map((task) => task.key);
  if (human.length > 0 && !canAskHuman()) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Task ${human.join(", ")} asks for human input, but stdin is not a terminal to answer it. ` +
        `Run it in a terminal, or with \`${cliName()} serve\` and answer in the web UI.`,
    );
  }

  // A --model that names no provider or lacks its key is a mistake in the command: say so
  // before a run is recorded (the model itself is resolved again by the engine).
  if (options.model !== undefined) resolveModel(options.model);

  const store: RunStore =
    options.persist === false
      ? new MemoryRunStore()
      : new SqliteRunStore({ path: useDatabase(resolveDbPath(options.db)) });
  // A process crew's logs and tracebacks belong on the terminal, next to its progress.
  const runner = runnerForCrew(crew, {
    onDiagnostic: (line) => process.stderr.write(`${line}\n`),
  });
  const manager = new RunManager({
    store,
    resolveRunner: async () => runner,
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(items === undefined ? {} : { maxConcurrentRuns: options.concurrency ?? 4 }),
    ...(store instanceof SqliteRunStore ? { memory: store.memory } : {}),
  });
  const timeout = options.timeout === undefined ? {} : { timeoutMs: options.timeout };
  try {
    if (items !== undefined) {
      const stop = (): void => void manager.close();
      process.once("SIGINT", stop);
      try {
        return await runBatch({
          runs: manager,
          crew: crew.name,
          items,
          ...timeout,
          mode: options.jsonl === true ? "jsonl" : process.stdout.isTTY === true ? "live" : "plain",
          stdout: process.stdout,
        });
      } finally {
        process.off("SIGINT", stop);
      }
    }
    const run = await manager.start({
      crew: crew.name,
      inputs,
      source: "cli",
      ...timeout,
      ...(options.thread === undefined ? {} : { threadId: options.thread }),
    });
    const output = createRunOutput({
      mode: chooseOutputMode(options, process.stdout),
      progressStderr: options.progressStderr === true,
      stdout: process.stdout,
      stderr: process.stderr,
    });
    const end = await watchRun({ runs: manager, runId: run.id, output });
    if (end === undefined)
      throw new CrewError(ErrorCode.INTERNAL, `Run ${run.id} ended without run.end.`);
    if (end.status === "completed") return ExitCode.OK;
    if (end.status === "cancelled") {
      process.stderr.write(`Run ${run.id} cancelled.\n`);
      return ExitCode.CANCELLED;
    }
    reportError(
      new CrewError(
        (end.error?.code ?? ErrorCode.INTERNAL) as ErrorCode,
        end.error?.message ?? "The run failed.",
      ),
    );
    return ExitCode.FAILED;
  } finally {
    await manager.close();
    await store.close();
  }
}
