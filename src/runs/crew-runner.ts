/**
 * What the run manager runs: anything that streams a run's events. The engine's `Crew` is one
 * (see {@link crewRunner}); a process crew bridge is another.
 */
import type { Crew } from "../engine/index.js";
import { checkInputNames, type RunOptions } from "../crew/index.js";
import type { CrewEvent, CrewOutline, Inputs } from "../events/index.js";
import type { RateLimiterLike } from "../llm/index.js";

/** How a crew presents itself before it runs (the fields of `crew.info()` the manager uses). */
export type CrewRunnerInfo = Pick<CrewOutline, "process" | "agents" | "tasks">;

/** Options of one {@link CrewRunner.stream}: the crew's run options plus what a host shares. */
export interface RunnerOptions extends RunOptions {
  /** Rate limiter for model requests (e.g. one shared by several workers); runners without models ignore it. */
  rateLimiter?: RateLimiterLike;
}

/** A crew the run manager can run. */
export interface CrewRunner {
  /** The crew's name, stored on the run. */
  name: string;
  /**
   * Streams one run: full stamped events for `options.runId`, seq gapless from 1, ending with
   * one `run.end`. Aborting `options.signal` must end it with `run.end` cancelled.
   */
  stream(inputs: Inputs, options: RunnerOptions): AsyncIterable<CrewEvent>;
  /** Names of inputs a run must give; checked before the run is created. */
  requiredInputs?(): string[];
  /** Checks inputs in full before the run is created; throws CrewError bad_request / missing_input. */
  validateInputs?(inputs: Inputs): unknown;
  /**
   * Throws CrewError unknown_input for an input the crew does not use, unless the crew takes
   * any (crew.yaml `extra_inputs: true`). Runners without it take any input.
   */
  checkInputNames?(inputs: Inputs): void;
  /** Used to write a `run.start` for runs that end before the runner runs (cancelled while queued). */
  info?(): CrewRunnerInfo;
}

/** Finds the runner for a crew name (`undefined`: the default crew); throws CrewError crew_not_found. */
export type ResolveRunner = (crew: string | undefined) => Promise<CrewRunner>;

/** Adapts an engine {@link Crew} to a {@link CrewRunner}. */
export function crewRunner(crew: Crew): CrewRunner {
  return {
    name: crew.definition.name,
    stream: (inputs, options) => crew.stream(inputs, options),
    requiredInputs: () => crew.requiredInputs(),
    validateInputs: (inputs) => crew.validateInputs(inputs),
    checkInputNames: (inputs) => checkInputNames(crew.definition, inputs),
    info: () => crew.info(),
  };
}
