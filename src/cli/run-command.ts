/**
 * `crewstream run [crew]`: runs a crew through the run manager (so the run is stored and
 * `crewstream runs` lists it) and shows it in the terminal until it ends.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import { CrewCatalog, requiredInputs } from "../crew/index.js";
import { resolveModel } from "../llm/index.js";
import { RunManager, runnerForCrew } from "../runs/index.js";
import { MemoryRunStore, SqliteRunStore, type RunStore } from "../store/index.js";
import { DEFAULT_CREW_DIR, resolveCrewDirs, resolveDbPath } from "./cli-paths.js";
import { ExitCode, reportError } from "./exit-codes.js";
import { commandCrewOf, type CommandCrewFlags } from "./command-crew.js";
import { canAskHuman } from "./human-input.js";
import { parseInputs } from "./parse-inputs.js";
import { chooseOutputMode, createRunOutput } from "./run-output.js";
import { watchRun } from "./watch-run.js";

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
}

/**
 * The crew folder for a folder path or a crew name from the crews folders. Without a name:
 * the default crew of `--crews` when given, else the research crew example.
 */
async function resolveCrewDir(crew: string | undefined, crewDirs: string[]): Promise<string> {
  const catalog = new CrewCatalog({ dirs: crewDirs });
  if (crew !== undefined) return catalog.resolveDir(crew);
  const name = crewDirs.length > 0 ? await catalog.resolveDefault() : undefined;
  return name === undefined ? DEFAULT_CREW_DIR : catalog.resolveDir(name);
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
  const crew =
    commandCrewOf(options) ??
    (await new CrewCatalog({ dirs: [] }).loadDir(
      await resolveCrewDir(crewArg, resolveCrewDirs(options.crews)),
    ));
  const missing = missingInputs(requiredInputs(crew), inputs, crew.defaultInputs);
  if (missing.length > 0) {
    const flags = missing.map((name) => `--input ${name}=...`).join(" ");
    process.stderr.write(
      `The crew "${crew.name}" needs ${missing.length === 1 ? "an input" : "inputs"} you did not give: ${missing.join(", ")}.\n` +
        `Pass ${missing.length === 1 ? "it" : "them"} like this: crewstream run ${crewArg ?? ""} ${flags}\n`.replace(
          "  ",
          " ",
        ),
    );
    return ExitCode.USAGE;
  }
  const human = crew.tasks.filter((task) => task.humanInput).map((task) => task.key);
  if (human.length > 0 && !canAskHuman()) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Task ${human.join(", ")} asks for human input, but stdin is not a terminal to answer it. ` +
        "Run it in a terminal, or with `crewstream serve` and answer in the web UI.",
    );
  }

  // A --model that names no provider or lacks its key is a mistake in the command: say so
  // before a run is recorded (the model itself is resolved again by the engine).
  if (options.model !== undefined) resolveModel(options.model);

  const store: RunStore =
    options.persist === false
      ? new MemoryRunStore()
      : new SqliteRunStore({ path: resolveDbPath(options.db) });
  // A process crew's logs and tracebacks belong on the terminal, next to its progress.
  const runner = runnerForCrew(crew, {
    onDiagnostic: (line) => process.stderr.write(`${line}\n`),
  });
  const manager = new RunManager({
    store,
    resolveRunner: async () => runner,
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(store instanceof SqliteRunStore ? { memory: store.memory } : {}),
  });
  try {
    const run = await manager.start({ crew: crew.name, inputs, source: "cli" });
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
