/**
 * The one way a loaded crew becomes a {@link CrewRunner}, used by `crewstream run`, `serve`,
 * `serve --redis` and `worker` alike, so a crew starts the same way (same `run.start`: inputs
 * with crew.yaml defaults, agents, tasks) whoever starts it. YAML crews run on the engine;
 * process crews (crew.yaml `command:`) through the process bridge.
 *
 * What legitimately differs between callers is a parameter here, never a second builder. The
 * `--model` override and a shared rate limiter are not among them: they are run options
 * (`RunnerOptions`), given by the run manager or worker to every run.
 */
import { ProcessCrew } from "../bridge/index.js";
import { requiredInputs, type CrewCatalog, type LoadedCrew } from "../crew/index.js";
import { Crew } from "../engine/index.js";
import { CrewError, ErrorCode } from "../events/index.js";
import { crewRunner, type CrewRunner, type ResolveRunner } from "./crew-runner.js";

/** Options of {@link runnerForCrew} and {@link catalogRunners}. */
export interface RunnerForCrewOptions {
  /**
   * Receives each stderr line of a process crew that is neither progress nor an event (logs,
   * tracebacks). The CLI writes them to its stderr; servers leave them out (the run's error
   * carries the last lines when the program fails).
   */
  onDiagnostic?: (line: string, runId: string) => void;
}

/** The runner of a process crew: the program from crew.yaml, with its known agents and tasks. */
function processRunner(
  crew: LoadedCrew,
  command: readonly string[],
  options: RunnerForCrewOptions,
): CrewRunner {
  return new ProcessCrew({
    name: crew.name,
    command,
    cwd: crew.dir,
    ...(crew.timeoutMs === undefined ? {} : { timeoutMs: crew.timeoutMs }),
    agents: crew.agents.map((agent) => ({ key: agent.key, role: agent.role })),
    tasks: crew.tasks.map((task) => ({
      key: task.key,
      description: task.description,
      ...(task.agent === undefined ? {} : { agent: task.agent }),
    })),
    defaultInputs: crew.defaultInputs,
    warnings: crew.warnings,
    ...(crew.env === undefined ? {} : { env: crew.env }),
    // requiredInputs already leaves out the placeholders crew.yaml gives defaults for.
    inputs: requiredInputs(crew),
    ...(options.onDiagnostic === undefined ? {} : { onDiagnostic: options.onDiagnostic }),
  });
}

/**
 * The runner for a loaded crew. Throws CrewError invalid_crew for a process crew without a
 * `command:` (or with an empty one).
 */
export function runnerForCrew(crew: LoadedCrew, options: RunnerForCrewOptions = {}): CrewRunner {
  if (crew.kind === "crew") return crewRunner(new Crew(crew));
  if (crew.command === undefined) {
    throw new CrewError(
      ErrorCode.INVALID_CREW,
      `Crew "${crew.name}" is a process crew without a command in crew.yaml.`,
    );
  }
  return processRunner(crew, crew.command, options);
}

/**
 * A {@link ResolveRunner} over `catalog` for the run manager and workers: loads the named crew
 * (`undefined`: the catalog's default crew) and builds it with {@link runnerForCrew}. Throws
 * what `catalog.load` throws (crew_not_found, invalid_crew, bad_request).
 *
 * A runner holds no run's state, so one is built per loaded crew and kept while the catalog
 * answers with that same crew (until one of its files changes): starting a run does not
 * validate and outline the crew again.
 */
export function catalogRunners(
  catalog: CrewCatalog,
  options: RunnerForCrewOptions = {},
): ResolveRunner {
  const built = new WeakMap<LoadedCrew, CrewRunner>();
  return async (name) => {
    const crew = await catalog.load(name);
    let runner = built.get(crew);
    if (runner === undefined) {
      runner = runnerForCrew(crew, options);
      built.set(crew, runner);
    }
    return runner;
  };
}
