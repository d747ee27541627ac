/**
 * `crewstream run --command -- <program> [args...]`: a process crew made from a program's
 * argv, without a crew folder or crew.yaml. It runs in the current folder and gets its inputs
 * as a process crew does (`--inputs <json>` and the first line of stdin).
 */
import { basename } from "node:path";
import { CREW_NAME_PATTERN, type LoadedCrew } from "../crew/index.js";
import { CrewError, ErrorCode } from "../events/index.js";

/** The flags of `run` that make a crew from a program. */
export interface CommandCrewFlags {
  /** `--command`: the operands are a program's argv, run as a process crew. */
  command?: boolean;
  /** `--name`: the crew's name. */
  name?: string;
  /** Every operand `run` was given: the crew argument, or with `--command` the program's argv. */
  operands?: string[];
}

/**
 * The process crew of `run --command`, or undefined without `--command` (the command line
 * refuses `--name` without `--command`, and several crews, before this is called).
 */
export function commandCrewOf(flags: CommandCrewFlags): LoadedCrew | undefined {
  if (flags.command === true)
    return commandCrew(flags.operands ?? [], flags.name === undefined ? {} : { name: flags.name });
  return undefined;
}

/** Options of {@link commandCrew}. */
interface CommandCrewOptions {
  /** `--name`: the crew's name in runs and events; default the current folder's name. */
  name?: string;
  /** Folder the program runs in. Default: the current folder. */
  cwd?: string;
}

/** The process crew that runs `argv`. Throws `bad_request` for an empty argv or a bad name. */
function commandCrew(argv: readonly string[], options: CommandCrewOptions = {}): LoadedCrew {
  const program = argv[0];
  if (program === undefined || program === "") {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "--command needs the program after `--`, e.g. crewstream run --command -- python3 crew/run.py",
    );
  }
  const dir = options.cwd ?? process.cwd();
  const name = options.name ?? crewNameOf(dir);
  if (!CREW_NAME_PATTERN.test(name)) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `--name "${name}" must start with a letter or digit and use only letters, digits, ".", "_" and "-".`,
    );
  }
  return {
    name,
    process: "sequential",
    agents: [],
    tasks: [],
    defaultInputs: {},
    dir,
    kind: "process",
    command: [...argv],
    warnings: [],
    files: [],
    sources: {},
  };
}

/** A crew name from a folder's name: characters a name may not hold become "-". */
function crewNameOf(dir: string): string {
  const name = basename(dir)
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "");
  return name === "" ? "command" : name;
}
