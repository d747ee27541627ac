/**
 * `Crew`: a crew definition ready to run, streaming every run as protocol events.
 */
import type { LanguageModel, Tool } from "ai";
import {
  CrewError,
  ErrorCode,
  EventStamper,
  inputsSchema,
  type CrewEvent,
  type CrewOutline,
  type ErrorInfo,
  type Inputs,
  type RunEndStatus,
  type Usage,
  toCrewError,
} from "../events/index.js";
import { dispatchEvent, type EventCallback } from "./callbacks.js";
import { normalizeCrew, type CrewConfig } from "../crew/index.js";
import { managerAgent, MANAGER_ROLE } from "./hierarchical.js";
import { MANAGER_KEY } from "../events/index.js";
import { checkPlaceholders, requiredInputs, interpolateCrew } from "../crew/index.js";
import { executeRun, type PreparedRun } from "./run-crew.js";
import type { CrewRunOptions } from "./run-context.js";
import type { CrewDefinition } from "../crew/index.js";

/** Options of `crew.kickoff`. */
export interface KickoffOptions extends CrewRunOptions {
  /** Called with every event: a function or a listener object. */
  onEvent?: EventCallback;
  /** Also return every event of the run in the result. */
  collectEvents?: boolean;
}

/** How a run ended, as `crew.kickoff` resolves it. */
export interface KickoffResult {
  runId: string;
  status: RunEndStatus;
  /** The last task's output, when completed. */
  result?: string;
  error?: ErrorInfo;
  usage: Usage;
  durationMs: number;
  /** Every event, with `collectEvents`. */
  events?: CrewEvent[];
}

/** Options of `crew.kickoffForEach`. */
export interface KickoffForEachOptions extends KickoffOptions {
  /** Runs at once (default 4). */
  concurrency?: number;
}

/** CrewAI's `@before_kickoff` / `@after_kickoff`: change a run's inputs, or its result. */
export interface KickoffHooks {
  /** Gets the inputs `kickoff` was given; returns the inputs to run with (or nothing: unchanged). */
  beforeKickoff?: (inputs: Inputs) => Inputs | void | Promise<Inputs | void>;
  /** Gets how the run ended; returns what `kickoff` resolves with (or nothing: unchanged). */
  afterKickoff?: (result: KickoffResult) => KickoffResult | void | Promise<KickoffResult | void>;
}

/** Tools, default model and kickoff hooks of a crew, when not given in the definition itself. */
export interface CrewOptions extends KickoffHooks {
  tools?: Record<string, Tool>;
  model?: LanguageModel;
}

/**
 * A crew: agents with roles, goals and backstories working through tasks, sequentially or
 * under a manager. Build it from a loaded {@link CrewDefinition} or in code:
 *
 * ```ts
 * const crew = new Crew({ agents: { writer: { role, goal, backstory } }, tasks: { draft: { description, expectedOutput, agent: "writer" } } });
 * for await (const event of crew.stream({ topic: "AI" })) console.log(event.type);
 * ```
 */
export class Crew {
  /** The validated definition, with defaults filled in. */
  readonly definition: CrewDefinition;
  readonly #tools: Record<string, Tool>;
  readonly #model: LanguageModel | undefined;
  readonly #hooks: KickoffHooks;
  #outlineOnce: CrewOutline | undefined;

  /** Throws CrewError invalid_crew naming the agent or task at fault. */
  constructor(config: CrewConfig | CrewDefinition, options: CrewOptions = {}) {
    const loose = config as CrewConfig;
    this.definition = normalizeCrew(config);
    this.#tools = { ...loose.tools, ...options.tools };
    this.#model = options.model ?? loose.model;
    const hooks = config as KickoffHooks;
    const before = options.beforeKickoff ?? hooks.beforeKickoff;
    const after = options.afterKickoff ?? hooks.afterKickoff;
    this.#hooks = {
      ...(before === undefined ? {} : { beforeKickoff: before }),
      ...(after === undefined ? {} : { afterKickoff: after }),
    };
  }

  /** Name, process, agents, tasks and required inputs (a fresh copy each call). */
  info(): CrewOutline {
    const outline = this.#outline();
    return {
      ...outline,
      agents: outline.agents.map((agent) => ({ ...agent })),
      tasks: outline.tasks.map((task) => ({ ...task })),
      inputs: [...outline.inputs],
    };
  }

  /** The outline, worked out once: the definition does not change. */
  #outline(): CrewOutline {
    if (this.#outlineOnce) return this.#outlineOnce;
    const def = this.definition;
    this.#outlineOnce = {
      name: def.name,
      process: def.process,
      agents: def.agents.map((a) => ({ key: a.key, role: a.role })),
      tasks: def.tasks.map((t) => ({
        key: t.key,
        ...(t.agent === undefined ? {} : { agent: t.agent }),
      })),
      inputs: requiredInputs(def),
    };
    return this.#outlineOnce;
  }

  /** Names of the inputs a run must give (see {@link requiredInputs}). */
  requiredInputs(): string[] {
    return [...this.#outline().inputs];
  }

  /**
   * Checks a run's inputs before starting it: a flat object of strings, numbers and booleans
   * (else bad_request) giving every required placeholder (else missing_input). Returns the
   * inputs merged over the crew's defaults.
   */
  validateInputs(inputs: unknown = {}): Inputs {
    const merged = this.#mergeInputs(inputs);
    checkPlaceholders(this.definition, merged);
    return merged;
  }

  /** {@link Crew.validateInputs}, answering the crew with the inputs filled in too. */
  #checkInputs(inputs: unknown): { merged: Inputs; crew: CrewDefinition } {
    const merged = this.#mergeInputs(inputs);
    return { merged, crew: interpolateCrew(this.definition, merged) };
  }

  /** The inputs over the crew's defaults; throws bad_request unless a flat object of values. */
  #mergeInputs(inputs: unknown): Inputs {
    const parsed = inputsSchema.safeParse(inputs);
    if (!parsed.success) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        "Inputs must be a flat object of strings, numbers and booleans.",
      );
    }
    return { ...this.definition.defaultInputs, ...parsed.data };
  }

  /**
   * Runs the crew, yielding every event as it happens. Pull-based: the run advances as events
   * are consumed; `return()` or aborting `options.signal` ends its model and tool calls.
   * Never throws for run failures: the last event is always one `run.end` (unless the
   * consumer stopped pulling first).
   */
  stream(
    inputs: Inputs = {},
    options: CrewRunOptions = {},
  ): AsyncGenerator<CrewEvent, void, undefined> {
    const stamper = new EventStamper(options.runId ?? crypto.randomUUID());
    let prepared: PreparedRun | CrewError;
    try {
      // Inputs are checked and filled in once: interpolation is the costliest part of a start.
      const { merged, crew } = this.#checkInputs(inputs);
      prepared = {
        crew,
        tools: { ...this.#tools, ...options.tools },
        model: options.model ?? this.#model,
        manager: managerAgent(this.definition.agents),
        inputs: merged,
      };
    } catch (error) {
      prepared = toCrewError(error);
    }
    // run.start shows roles with inputs filled in when the inputs are good.
    const shown = prepared instanceof CrewError ? this.definition : prepared.crew;
    const runStart = {
      type: "run.start" as const,
      crew: shown.name,
      process: shown.process,
      // Good inputs were parsed already: the same values, copied so the event is its own.
      inputs:
        prepared instanceof CrewError
          ? safeInputs(shown.defaultInputs, inputs)
          : { ...prepared.inputs },
      agents: [
        ...(shown.process === "hierarchical" ? [{ key: MANAGER_KEY, role: MANAGER_ROLE }] : []),
        ...shown.agents.map((a) => ({ key: a.key, role: a.role })),
      ],
      tasks: shown.tasks.map((t) => ({
        key: t.key,
        ...(t.agent === undefined ? {} : { agent: t.agent }),
      })),
      ...(options.batchId === undefined ? {} : { batchId: options.batchId }),
      ...(this.definition.warnings === undefined || this.definition.warnings.length === 0
        ? {}
        : { warnings: this.definition.warnings }),
      ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
    };
    // The run's own generator, not a delegating one: one async step per event, not two.
    return executeRun({ stamper, runStart, options, prepared });
  }

  /**
   * Runs the crew to the end, calling `onEvent` for each event; resolves with how it ended.
   * The crew's `beforeKickoff` may change the inputs first, its `afterKickoff` the result.
   */
  async kickoff(inputs: Inputs = {}, options: KickoffOptions = {}): Promise<KickoffResult> {
    const given = (await this.#hooks.beforeKickoff?.(inputs)) ?? inputs;
    const result = await this.#kickoff(given, options);
    return (await this.#hooks.afterKickoff?.(result)) ?? result;
  }

  /**
   * CrewAI's `kickoff_for_each`: one run per item of `inputsList`, at most `concurrency` at
   * once, every run's `run.start` carrying the same `batchId`. Resolves with the results in
   * the order of the inputs; one failed run does not stop the others.
   */
  async kickoffForEach(
    inputsList: readonly Inputs[],
    options: KickoffForEachOptions = {},
  ): Promise<KickoffResult[]> {
    const { concurrency = 4, ...kickoffOptions } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new CrewError(ErrorCode.BAD_REQUEST, "concurrency must be a positive whole number.");
    const batchId = options.batchId ?? crypto.randomUUID();
    const results: KickoffResult[] = new Array<KickoffResult>(inputsList.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < inputsList.length) {
        const index = next++;
        const { runId: _runId, ...rest } = kickoffOptions;
        results[index] = await this.kickoff(inputsList[index], { ...rest, batchId });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, inputsList.length) }, worker));
    return results;
  }

  async #kickoff(inputs: Inputs, options: KickoffOptions): Promise<KickoffResult> {
    const { onEvent, collectEvents, ...runOptions } = options;
    const events: CrewEvent[] = [];
    for await (const event of this.stream(inputs, runOptions)) {
      if (collectEvents) events.push(event);
      if (onEvent) await dispatchEvent(onEvent, event);
      if (event.type === "run.end") {
        return {
          runId: event.runId,
          status: event.status,
          ...(event.result === undefined ? {} : { result: event.result }),
          ...(event.error === undefined ? {} : { error: event.error }),
          usage: event.usage,
          durationMs: event.durationMs,
          ...(collectEvents ? { events } : {}),
        };
      }
    }
    throw new CrewError(ErrorCode.INTERNAL, "The run ended without run.end.");
  }
}

/** The inputs shown in `run.start`: the valid flat values over the crew's defaults. */
function safeInputs(defaults: Inputs, inputs: unknown): Inputs {
  const parsed = inputsSchema.safeParse(inputs);
  return { ...defaults, ...(parsed.success ? parsed.data : {}) };
}
