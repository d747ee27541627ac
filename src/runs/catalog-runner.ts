/**
 * Resolves crew names to runners through a {@link CrewCatalog}: YAML crews run on the engine,
 * process crews (crew.yaml `command:`) through whatever `processRunner` the caller supplies.
 */
import { type CrewCatalog, type LoadedCrew } from "../crew/index.js";
import { Crew, type CrewOptions } from "../engine/index.js";
import { CrewError, ErrorCode } from "../events/index.js";
import { crewRunner, type CrewRunner, type ResolveRunner } from "./crew-runner.js";

/** Options of {@link catalogRunnerResolver}. */
export interface CatalogRunnerOptions extends CrewOptions {
  /** Builds the runner of a process crew; without it such crews cannot be started. */
  processRunner?: (crew: LoadedCrew) => CrewRunner;
}

/**
 * A {@link ResolveRunner} over `catalog`: `undefined` names the catalog's default crew. Throws
 * what `catalog.load` throws (crew_not_found, invalid_crew, bad_request).
 */
export function catalogRunnerResolver(
  catalog: CrewCatalog,
  options: CatalogRunnerOptions = {},
): ResolveRunner {
  const { processRunner, ...crewOptions } = options;
  return async (name) => {
    const loaded = await catalog.load(name);
    if (loaded.kind === "process") {
      if (!processRunner) {
        throw new CrewError(
          ErrorCode.INVALID_CREW,
          `Crew "${loaded.name}" is a process crew (crew.yaml command:), which this server cannot run.`,
        );
      }
      return processRunner(loaded);
    }
    return crewRunner(new Crew(loaded, crewOptions));
  };
}
