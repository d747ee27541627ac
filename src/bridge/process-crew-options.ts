/** Options of a process crew: the program, its limits, and what it is known to contain. */
import type { CrewWarningInfo, Inputs } from "../events/index.js";
import type { KnownAgent, KnownTask } from "./task-tracker.js";

/** Options of {@link ProcessCrew}. */
export interface ProcessCrewOptions {
  /** The crew's name, reported in `run.start`. */
  name: string;
  /** Program and fixed arguments, run without a shell: `["python3", "crew/run.py"]`. */
  command: readonly string[];
  /** Working directory of the program (the crew's folder). */
  cwd: string;
  /**
   * Variables added to the program's environment (crew.yaml `env:`). The rest of the server's
   * environment is passed only as far as the allowlist of `child-environment.ts` allows.
   */
  env?: Record<string, string>;
  /** The program is stopped and the run fails with `timeout` after this long. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when the run is cancelled or times out. Default 5000. */
  killGraceMs?: number;
  /** The crew's agents (agents.yaml), matched to progress lines by role. */
  agents?: readonly KnownAgent[];
  /** The crew's tasks (tasks.yaml), matched to progress lines by their description's first line. */
  tasks?: readonly KnownTask[];
  /** Inputs a run gets when it does not give them (crew.yaml `inputs:`). */
  defaultInputs?: Inputs;
  /** Keys of the crew's files accepted without effect or unknown; `run.start` carries them. */
  warnings?: CrewWarningInfo[];
  /** Names of the inputs the program needs; runs without them are refused by the run manager. */
  inputs?: readonly string[];
  /** Called with every stderr line that is neither progress nor an event (logs, tracebacks). */
  onDiagnostic?: (line: string, runId: string) => void;
  /** Called once per run when the program has ended: how, and its pid (for logs). */
  onProcessExit?: (exit: {
    runId: string;
    pid: number | undefined;
    code: number | null;
    signal: NodeJS.Signals | null;
  }) => void;
  /** Longest stderr line kept, in characters. Default 64 Ki. */
  maxLineLength?: number;
  /** Most stdout characters kept as the result. Default 8 Mi. */
  maxResultLength?: number;
}
