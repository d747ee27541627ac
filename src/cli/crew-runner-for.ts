/**
 * The runner the run manager uses for the crew chosen on the command line: the engine for
 * YAML crews, the bridge for process crews (crew.yaml `command:`).
 */
import { ProcessCrew } from "../bridge/index.js";
import { requiredInputs, type LoadedCrew } from "../crew/index.js";
import { Crew } from "../engine/index.js";
import { crewRunner, type CrewRunner } from "../runs/index.js";

/** A runner for a loaded crew. */
export function crewRunnerFor(crew: LoadedCrew): CrewRunner {
  if (crew.kind === "crew" || crew.command === undefined) return crewRunner(new Crew(crew));
  return new ProcessCrew({
    name: crew.name,
    command: crew.command,
    cwd: crew.dir,
    ...(crew.timeoutMs === undefined ? {} : { timeoutMs: crew.timeoutMs }),
    ...(crew.env === undefined ? {} : { env: crew.env }),
    agents: crew.agents.map((agent) => ({ key: agent.key, role: agent.role })),
    tasks: crew.tasks.map((task) => ({
      key: task.key,
      description: task.description,
      ...(task.agent === undefined ? {} : { agent: task.agent }),
    })),
    inputs: requiredInputs(crew).filter((name) => !(name in crew.defaultInputs)),
    onDiagnostic: (line) => process.stderr.write(`${line}\n`),
  });
}
