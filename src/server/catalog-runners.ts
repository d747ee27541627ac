/**
 * Resolves crew names to runnable crews through a {@link CrewCatalog}: engine crews run as
 * {@link Crew}s, process crews (crew.yaml `command:`) through the process bridge.
 */
import { ProcessCrew } from "../bridge/index.js";
import type { CrewCatalog } from "../crew/index.js";
import { Crew } from "../engine/index.js";
import { CrewError, ErrorCode } from "../events/index.js";
import { crewRunner } from "../runs/index.js";
import type { CrewRunner, ResolveRunner } from "../runs/index.js";

/** A resolver for the run manager that loads crews by name from `catalog` (default crew for none). */
export function catalogRunners(catalog: CrewCatalog): ResolveRunner {
  return async (name) => {
    const crew = await catalog.load(name);
    if (crew.kind === "process") {
      if (!crew.command) {
        throw new CrewError(
          ErrorCode.INVALID_CREW,
          `Crew "${crew.name}" is a process crew without a command in crew.yaml.`,
        );
      }
      const process = new ProcessCrew({
        name: crew.name,
        command: crew.command,
        cwd: crew.dir,
        agents: crew.agents.map((agent) => ({ key: agent.key, role: agent.role })),
        tasks: crew.tasks.map((task) => ({
          key: task.key,
          description: task.description,
          ...(task.agent === undefined ? {} : { agent: task.agent }),
        })),
        ...(crew.timeoutMs === undefined ? {} : { timeoutMs: crew.timeoutMs }),
        ...(crew.env === undefined ? {} : { env: crew.env }),
      });
      const runner: CrewRunner = {
        name: process.name,
        // crew.yaml `inputs:` are defaults, as for engine crews.
        stream: (inputs, options) => process.stream({ ...crew.defaultInputs, ...inputs }, options),
        requiredInputs: () => process.requiredInputs(),
        info: () => process.info(),
      };
      return runner;
    }
    return crewRunner(new Crew(crew));
  };
}
