/**
 * What the processes (sequential, hierarchical) get from the crew for one run.
 */
import type { LanguageModel, ToolSet } from "ai";
import type { EventDraft, Inputs, Usage } from "../events/index.js";
import type { ModelTimeouts, RateLimiterLike } from "../llm/index.js";
import type {
  AgentDefinition,
  CrewDefinition,
  InputHandler,
  LongTermMemory,
  RunOptions,
} from "../crew/index.js";

/** Run options of the engine: {@link RunOptions} plus tuning of model retries. */
export interface CrewRunOptions extends RunOptions {
  /** How failed model requests are retried (defaults: 4 retries, 500 ms first backoff). */
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Rate limiter for model requests; default the one shared by every run in the process. */
  rateLimiter?: RateLimiterLike;
  /** Bounds on each model call (defaults: `CREWSTREAM_MODEL_IDLE_TIMEOUT_MS`, 60 s of silence). */
  modelTimeouts?: Partial<ModelTimeouts>;
}

/** The agent and task every event inside a task is stamped with. */
export interface TurnScope {
  agent: string;
  task: string;
}

/** Per-run services handed to a process. */
export interface RunContext {
  /** The crew with the run's inputs filled in. */
  readonly crew: CrewDefinition;
  /** Aborted when the run is cancelled or its consumer goes away. */
  readonly signal: AbortSignal;
  /** Answers `human_input` tasks, when the run has a handler. */
  readonly onInputRequest: InputHandler | undefined;
  /** Folder that tasks' `outputFile` paths are relative to (the run's output folder). */
  readonly outputDir: string;
  /** The thread's conversation so far ("" when the run is not in a thread or is its first turn). */
  readonly conversation: string;
  /** Long-term memory, when the crew has `memory: true` and the run was given one. */
  readonly memory?: LongTermMemory;
  /** The run's inputs (saved with each memory entry). */
  readonly inputs: Inputs;
  /** Tokens used by the whole run; every task's meter feeds it. */
  readonly usage: UsageMeter;
  /**
   * Queues an event for the consumer. Resolves once it is buffered (backpressure); rejects
   * once the consumer has gone away.
   */
  emit(draft: EventDraft): Promise<void>;
  /**
   * Queues an event only if that needs no waiting; returns whether it did. Lets a producer of
   * many small events (text deltas) skip a promise per event, falling back to `emit`.
   */
  tryEmit(draft: EventDraft): boolean;
  /** The model an agent uses for a turn, with rate limiting and retries reported in `scope`. */
  modelFor(agent: AgentDefinition, scope: TurnScope): LanguageModel;
  /** The tools of an agent, plus a task's extra tools. */
  toolsFor(agent: AgentDefinition, taskTools?: readonly string[]): ToolSet;
}

/** Counts `agent.step` numbers within one task (1-based, shared by every agent in the task). */
export class StepCounter {
  #step = 0;

  /** The next step number. */
  next(): number {
    this.#step += 1;
    return this.#step;
  }
}

/**
 * Sums the token usage of a task's model calls: what the model reported for each finished
 * call, plus an estimate (one output token per streamed text chunk) for calls the model
 * reported nothing for, or that a cancel or failure cut short. So a run that ends early
 * still reports what it consumed, and says which part is estimated.
 */
export class UsageMeter {
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #estimated = false;

  /** A meter whose additions also count toward `parent` (a task's meter feeds the run's). */
  constructor(private readonly parent?: UsageMeter) {}

  /** Adds one model step's usage (providers may leave counts undefined). */
  add(usage: { inputTokens?: number | undefined; outputTokens?: number | undefined }): void {
    this.#usage = {
      inputTokens: this.#usage.inputTokens + (usage.inputTokens ?? 0),
      outputTokens: this.#usage.outputTokens + (usage.outputTokens ?? 0),
    };
    this.parent?.add(usage);
  }

  /** Adds `chunks` streamed text chunks as estimated output tokens. */
  addEstimate(chunks: number): void {
    if (chunks <= 0) return;
    this.#usage = { ...this.#usage, outputTokens: this.#usage.outputTokens + chunks };
    this.#estimated = true;
    this.parent?.addEstimate(chunks);
  }

  /** The total so far. */
  get total(): Usage {
    return { ...this.#usage };
  }

  /** True when {@link UsageMeter.total} includes an estimate. */
  get estimated(): boolean {
    return this.#estimated;
  }
}
