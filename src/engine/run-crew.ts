/**
 * Drives one run: a producer (the process, its model and tool calls) writes events into a
 * bounded channel; the consumer's generator pulls them. The generator owns the run's
 * lifetime: when the consumer stops pulling or the signal aborts, the producer is aborted and
 * awaited, so every `finally` runs and no model request outlives the stream.
 */
import { resolve } from "node:path";
import type { LanguageModel, Tool } from "ai";
import { resolveModel } from "../llm/index.js";
import { runOutputDir } from "../crew/index.js";
import {
  CrewError,
  ErrorCode,
  isAbortError,
  type CrewEvent,
  type EventDraft,
  type EventOf,
  type EventStamper,
  type Inputs,
} from "../events/index.js";
import { ChannelIterator, type StartedChannel } from "./channel-iterator.js";
import { ChannelClosedError, EventChannel } from "./event-channel.js";
import { runHierarchical } from "./hierarchical.js";
import { guardModel, toRunError } from "./model-guard.js";
import { UsageMeter, type CrewRunOptions, type RunContext } from "./run-context.js";
import { runSequential } from "./sequential.js";
import { agentToolReferences, openRunTools, type ToolRegistry } from "./tools/index.js";
import type { AgentDefinition, CrewDefinition } from "../crew/index.js";

/**
 * Events a crew's producers (model turns, tools) may run ahead of its consumer before they wait.
 * A model's burst (a whole answer in one network read) is parsed in one chain of promise
 * reactions that only a waiting producer ends: the bound, with a consumer that lets the event
 * loop turn as it takes events (a run does every `RUN_AHEAD_EVENTS`), bounds how long a burst holds the loop,
 * so commits, deliveries and other requests go on while it is parsed.
 */
export const RUN_AHEAD_EVENTS = 32;

/** What a run needs once its inputs are known to be good. */
export interface PreparedRun {
  /** The crew with inputs filled in. */
  crew: CrewDefinition;
  tools: Record<string, Tool>;
  /** Overrides or defaults agents' models. */
  model: LanguageModel | undefined;
  manager: AgentDefinition;
  /** The run's inputs over the crew's defaults. */
  inputs?: Inputs;
}

/** Arguments of {@link executeRun}. */
export interface ExecuteRunArgs {
  stamper: EventStamper;
  runStart: Omit<EventOf<"run.start">, "v" | "runId" | "seq" | "ts">;
  options: CrewRunOptions;
  /** The run, or why it cannot start (bad inputs): then it fails right after `run.start`. */
  prepared: PreparedRun | CrewError;
}

/** The run's output folder (`write_file`): the run's option, else `<CREWSTREAM_OUTPUT_DIR or ./output>/<runId>`. */
function outputDirOf(options: CrewRunOptions, runId: string): string {
  return options.outputDir === undefined ? runOutputDir(runId) : resolve(options.outputDir);
}

/** Builds the context the processes use: models, tools, events. */
function createContext(
  prepared: PreparedRun,
  registry: ToolRegistry,
  options: CrewRunOptions,
  signal: AbortSignal,
  emit: (draft: EventDraft) => Promise<void>,
  tryEmit: (draft: EventDraft) => boolean,
  usage: UsageMeter,
  outputDir: string,
): RunContext {
  const { crew } = prepared;
  const models = new Map<string, LanguageModel>();
  const modelOf = (agent: AgentDefinition): LanguageModel => {
    let model = models.get(agent.key);
    if (model === undefined) {
      // --model overrides every agent; otherwise the agent's llm, then the crew's model.
      const spec =
        options.model ??
        agent.llm ??
        (agent.key === prepared.manager.key ? crew.managerLlm : undefined) ??
        prepared.model;
      model = resolveModel(spec);
      models.set(agent.key, model);
    }
    return model;
  };
  const everyAgent =
    crew.process === "hierarchical" ? [prepared.manager, ...crew.agents] : crew.agents;
  // Resolve every model and tool up front: a missing key or unknown tool fails before task 1.
  for (const agent of everyAgent) {
    modelOf(agent);
    registry.resolve(agentToolReferences(agent), `agent "${agent.key}"`);
  }
  for (const task of crew.tasks) registry.resolve(task.tools ?? [], `task "${task.key}"`);
  return {
    crew,
    signal,
    outputDir,
    onInputRequest: options.onInputRequest,
    conversation: options.conversation ?? "",
    ...(crew.memory === true && options.memory ? { memory: options.memory } : {}),
    inputs: prepared.inputs ?? crew.defaultInputs,
    usage,
    emit,
    tryEmit,
    modelFor: (agent, scope) =>
      guardModel(modelOf(agent), {
        scope,
        signal,
        emit,
        agentKey: `${crew.name}/${agent.key}`,
        ...(agent.maxRpm === undefined ? {} : { maxRpm: agent.maxRpm }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.rateLimiter === undefined ? {} : { limiter: options.rateLimiter }),
        ...(options.modelTimeouts === undefined ? {} : { timeouts: options.modelTimeouts }),
        ...(crew.maxRpm === undefined ? {} : { crewRpm: { key: crew.name, rpm: crew.maxRpm } }),
      }),
    toolsFor: (agent, taskTools = []) =>
      registry.resolve(agentToolReferences(agent, taskTools), `agent "${agent.key}"`),
  };
}

/**
 * Runs the crew, yielding stamped events; the last is one `run.end`. The run starts on the
 * first `next()`; see {@link ChannelIterator} for why it is not an async generator function.
 */
export function executeRun(args: ExecuteRunArgs): AsyncGenerator<CrewEvent, void, undefined> {
  return new ChannelIterator(
    () => startRun(args),
    (event) => event.type === "run.end",
  );
}

/** Starts the run's producer writing into a channel; `stop` ends it for the iterator. */
function startRun(args: ExecuteRunArgs): StartedChannel<CrewEvent> {
  const { stamper, options } = args;
  const started = performance.now();
  const controller = new AbortController();
  const external = options.signal;
  const onAbort = (): void =>
    controller.abort(new CrewError(ErrorCode.CANCELLED, "The run was cancelled."));
  if (external?.aborted) onAbort();
  external?.addEventListener("abort", onAbort, { once: true });
  const runTimeout = options.timeoutMs;
  const timer =
    runTimeout === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new CrewError(
                ErrorCode.TIMEOUT,
                `The run took longer than its time limit of ${runTimeout} ms (run timeout).`,
              ),
            ),
          runTimeout,
        );
  const channel = new EventChannel<CrewEvent>(RUN_AHEAD_EVENTS);
  const usage = new UsageMeter();
  const emit = (draft: EventDraft): Promise<void> => channel.push(stamper.stamp(draft));
  const tryEmit = (draft: EventDraft): boolean =>
    channel.writable && channel.offer(stamper.stamp(draft));

  const produce = async (): Promise<void> => {
    await emit(args.runStart);
    let end: Pick<EventOf<"run.end">, "status" | "result" | "error">;
    // Owned by the run: its MCP servers are stopped in `finally`, before run.end is sent.
    let tools: ToolRegistry | undefined;
    try {
      const { prepared } = args;
      if (prepared instanceof CrewError) throw prepared;
      const outputDir = outputDirOf(options, stamper.runId);
      tools = await openRunTools({
        crew: prepared.crew,
        tools: prepared.tools,
        outputDir,
        signal: controller.signal,
      });
      const ctx = createContext(
        prepared,
        tools,
        options,
        controller.signal,
        emit,
        tryEmit,
        usage,
        outputDir,
      );
      const result =
        prepared.crew.process === "hierarchical"
          ? await runHierarchical(ctx, prepared.manager)
          : await runSequential(
              ctx,
              (task) => prepared.crew.agents.find((a) => a.key === task.agent) as AgentDefinition,
            );
      end = { status: "completed", result };
    } catch (error) {
      if (error instanceof ChannelClosedError) return;
      const reason: unknown = controller.signal.reason;
      if (CrewError.is(reason) && reason.code === ErrorCode.TIMEOUT) {
        end = { status: "failed", error: reason.toInfo() };
      } else if (controller.signal.aborted || (isAbortError(error) && !CrewError.is(error))) {
        end = {
          status: "cancelled",
          error: { code: ErrorCode.CANCELLED, message: "The run was cancelled." },
        };
      } else {
        end = { status: "failed", error: toRunError(error).toInfo() };
      }
    } finally {
      await tools?.close();
    }
    await emit({
      type: "run.end",
      ...end,
      usage: usage.total,
      ...(usage.estimated ? { estimated: true } : {}),
      durationMs: Math.round(performance.now() - started),
    });
  };

  const producer = produce()
    .catch((error: unknown) => {
      // Only a push after the consumer left can fail here; the run.end then has no reader.
      if (!(error instanceof ChannelClosedError)) throw error;
    })
    .finally(() => {
      clearTimeout(timer);
      channel.close();
    });
  return {
    channel,
    stop: async (finished) => {
      external?.removeEventListener("abort", onAbort);
      if (!finished) {
        controller.abort(
          new CrewError(ErrorCode.CANCELLED, "The consumer stopped reading the run."),
        );
        channel.cancel();
      }
      await producer;
    },
  };
}
