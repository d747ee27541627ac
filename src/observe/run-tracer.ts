/**
 * OpenTelemetry spans of runs, built from their events (a {@link RunObserver}), following the
 * GenAI semantic conventions: a span per run, per task, per model call (`chat`, with provider,
 * model, tokens and finish reason), per tool call (`execute_tool`), per human-input wait;
 * retries and delegations are span events; failures set the span status. Every span carries
 * the run id (`crewstream.run.id`).
 *
 * Span times come from the events' timestamps, so a span is exactly as long as the events say.
 * A model call's span opens at its agent's first event after the previous call (or the task's
 * start) and closes at its `agent.step`, so the tool calls it made are its children.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context as otelContext,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { CrewEvent } from "../events/index.js";
import type { RunObserver } from "../runs/index.js";

/** Attribute names of the GenAI semantic conventions used here. */
const GEN_AI = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  finishReasons: "gen_ai.response.finish_reasons",
  agentName: "gen_ai.agent.name",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
} as const;

/** The run id attribute carried by every span. */
const RUN_ID_ATTRIBUTE = "crewstream.run.id";

interface RunSpans {
  run: Span;
  runContext: Context;
  tasks: Map<string, { span: Span; context: Context; started: number }>;
  /** Open model-call spans by `task/agent`. */
  calls: Map<string, { span: Span; context: Context }>;
  /** When each `task/agent`'s previous call ended. */
  boundaries: Map<string, number>;
  tools: Map<string, Span>;
  inputs: Map<string, Span>;
}

function time(event: CrewEvent): number {
  return Date.parse(event.ts);
}

function providerAndModel(model: string): { provider: string; name: string } {
  const slash = model.indexOf("/");
  return slash === -1
    ? { provider: model, name: model }
    : { provider: model.slice(0, slash), name: model.slice(slash + 1) };
}

/** Builds spans for every run it observes; see the file comment. */
export class RunTracer {
  readonly #runs = new Map<string, RunSpans>();
  /** Parents of runs queued elsewhere, until their `run.start`. */
  readonly #parents = new Map<string, Context>();
  readonly #propagator = new W3CTraceContextPropagator();

  constructor(private readonly tracer: Tracer) {}

  /** The observer to give the run manager or worker. */
  readonly observer: RunObserver = {
    event: (event) => this.#event(event),
    traceParent: (runId, traceparent) => {
      const parent = this.#propagator.extract(
        ROOT_CONTEXT,
        { traceparent },
        {
          get: (carrier, key) => carrier[key as keyof typeof carrier],
          keys: (carrier) => Object.keys(carrier),
        },
      );
      if (trace.getSpanContext(parent) !== undefined) this.#parents.set(runId, parent);
    },
  };

  /**
   * Records that a server queued a run for a worker (a short `PRODUCER` span) and answers the
   * W3C `traceparent` its job carries, so the worker's run span joins the same trace.
   */
  readonly queued = (runId: string, crew: string): string | undefined => {
    const span = this.tracer.startSpan(`enqueue ${crew}`, {
      kind: SpanKind.PRODUCER,
      attributes: { [RUN_ID_ATTRIBUTE]: runId, "crewstream.crew": crew },
    });
    const carrier: Record<string, string> = {};
    this.#propagator.inject(trace.setSpan(otelContext.active(), span), carrier, {
      set: (c, key, value) => (c[key] = value),
    });
    span.end();
    return carrier.traceparent;
  };

  /** Ends the spans of runs still open (the process is stopping). */
  endAll(): void {
    for (const [runId, spans] of this.#runs) this.#endRun(runId, spans, Date.now());
  }

  #start(
    name: string,
    parent: Context,
    start: number,
    attributes: Attributes,
    runId: string,
  ): Span {
    return this.tracer.startSpan(
      name,
      { startTime: start, attributes: { [RUN_ID_ATTRIBUTE]: runId, ...attributes } },
      parent,
    );
  }

  #event(event: CrewEvent): void {
    if (event.type === "run.start") {
      const parent = this.#parents.get(event.runId) ?? otelContext.active();
      this.#parents.delete(event.runId);
      const run = this.#start(
        `invoke_workflow ${event.crew}`,
        parent,
        time(event),
        {
          [GEN_AI.operation]: "invoke_workflow",
          "crewstream.crew": event.crew,
          "crewstream.process": event.process,
        },
        event.runId,
      );
      this.#runs.set(event.runId, {
        run,
        runContext: trace.setSpan(parent, run),
        tasks: new Map(),
        calls: new Map(),
        boundaries: new Map(),
        tools: new Map(),
        inputs: new Map(),
      });
      return;
    }
    const spans = this.#runs.get(event.runId);
    if (spans === undefined) return;
    const at = time(event);
    switch (event.type) {
      case "task.start": {
        const span = this.#start(
          `task ${event.task ?? event.index}`,
          spans.runContext,
          at,
          {
            "crewstream.task": event.task ?? String(event.index),
            "crewstream.task.index": event.index,
            ...(event.agent ? { [GEN_AI.agentName]: event.agent } : {}),
          },
          event.runId,
        );
        spans.tasks.set(event.task ?? "", {
          span,
          context: trace.setSpan(spans.runContext, span),
          started: at,
        });
        return;
      }
      case "text.delta":
        this.#call(spans, event, at);
        return;
      case "llm.retry": {
        const call = this.#call(spans, event, at);
        call?.span.addEvent(
          "retry",
          {
            "crewstream.retry.attempt": event.attempt,
            "crewstream.retry.delay_ms": event.delayMs,
            "crewstream.retry.reason": event.reason,
            "crewstream.retry.rate_limited": event.rateLimited === true,
          },
          at,
        );
        return;
      }
      case "tool.call": {
        const call = this.#call(spans, event, at);
        const parent = call?.context ?? this.#taskContext(spans, event);
        spans.tools.set(
          event.callId,
          this.#start(
            `execute_tool ${event.tool}`,
            parent,
            at,
            {
              [GEN_AI.operation]: "execute_tool",
              [GEN_AI.toolName]: event.tool,
              [GEN_AI.toolCallId]: event.callId,
              ...(event.agent ? { [GEN_AI.agentName]: event.agent } : {}),
            },
            event.runId,
          ),
        );
        return;
      }
      case "tool.result": {
        const span = spans.tools.get(event.callId);
        if (span === undefined) return;
        spans.tools.delete(event.callId);
        if (event.error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
          span.setAttribute("error.type", event.error.code);
        }
        span.end(at);
        return;
      }
      case "task.delegate": {
        const open = [...spans.tools.values()].at(-1);
        const target = open ?? spans.tasks.get(event.task ?? "")?.span ?? spans.run;
        target.addEvent(
          "delegate",
          {
            "crewstream.delegate.from": event.from,
            "crewstream.delegate.to": event.to,
            "crewstream.delegate.reason": event.reason,
          },
          at,
        );
        // The delegated agent's first call starts now, not at the task's start.
        spans.boundaries.set(`${event.task ?? ""}/${event.to}`, at);
        return;
      }
      case "input.request":
        spans.inputs.set(
          event.requestId,
          this.#start(
            "human_input",
            this.#taskContext(spans, event),
            at,
            { "crewstream.input.request_id": event.requestId },
            event.runId,
          ),
        );
        return;
      case "input.response": {
        const span = spans.inputs.get(event.requestId);
        spans.inputs.delete(event.requestId);
        span?.end(at);
        // The next call of the task's agent starts after the answer.
        if (event.agent) spans.boundaries.set(`${event.task ?? ""}/${event.agent}`, at);
        return;
      }
      case "agent.step": {
        const key = `${event.task ?? ""}/${event.agent ?? ""}`;
        if (event.model === undefined) {
          spans.boundaries.set(key, at);
          return;
        }
        const call = this.#call(spans, event, at);
        if (call === undefined) return;
        const { provider, name } = providerAndModel(event.model);
        call.span.updateName(`chat ${name}`);
        call.span.setAttributes({
          [GEN_AI.provider]: provider,
          [GEN_AI.requestModel]: name,
          "crewstream.model": event.model,
          "crewstream.step": event.step,
          "crewstream.step.kind": event.kind,
          ...(event.usage
            ? {
                [GEN_AI.inputTokens]: event.usage.inputTokens,
                [GEN_AI.outputTokens]: event.usage.outputTokens,
              }
            : {}),
          ...(event.finishReason ? { [GEN_AI.finishReasons]: [event.finishReason] } : {}),
          ...(event.cost === undefined ? {} : { "crewstream.cost_usd": event.cost }),
        });
        for (const warning of event.warnings ?? [])
          call.span.addEvent("warning", { "crewstream.warning": warning }, at);
        if (event.finishReason === "error")
          call.span.setStatus({ code: SpanStatusCode.ERROR, message: "The model call failed." });
        call.span.end(at);
        spans.calls.delete(key);
        spans.boundaries.set(key, at);
        return;
      }
      case "task.end": {
        const task = spans.tasks.get(event.task ?? "");
        if (task === undefined) return;
        this.#endOpenIn(spans, event.task ?? "", at);
        task.span.setAttributes({
          [GEN_AI.inputTokens]: event.usage.inputTokens,
          [GEN_AI.outputTokens]: event.usage.outputTokens,
        });
        task.span.end(at);
        spans.tasks.delete(event.task ?? "");
        return;
      }
      case "run.end": {
        spans.run.setAttributes({
          [GEN_AI.inputTokens]: event.usage.inputTokens,
          [GEN_AI.outputTokens]: event.usage.outputTokens,
          "crewstream.run.status": event.status,
        });
        if (event.status === "failed") {
          spans.run.setStatus({
            code: SpanStatusCode.ERROR,
            message: event.error?.message ?? "The run failed.",
          });
          if (event.error) spans.run.setAttribute("error.type", event.error.code);
        }
        this.#endRun(event.runId, spans, at, event.status === "failed");
        return;
      }
      default:
        return;
    }
  }

  #taskContext(spans: RunSpans, event: CrewEvent): Context {
    return spans.tasks.get(event.task ?? "")?.context ?? spans.runContext;
  }

  /** The open model-call span of the event's task and agent, opened if none is. */
  #call(
    spans: RunSpans,
    event: CrewEvent,
    at: number,
  ): { span: Span; context: Context } | undefined {
    if (event.task === undefined || event.agent === undefined) return undefined;
    const key = `${event.task}/${event.agent}`;
    let call = spans.calls.get(key);
    if (call === undefined) {
      const task = spans.tasks.get(event.task);
      const start = Math.min(at, spans.boundaries.get(key) ?? task?.started ?? at);
      const parent = task?.context ?? spans.runContext;
      const span = this.#start(
        "chat",
        parent,
        start,
        { [GEN_AI.operation]: "chat", [GEN_AI.agentName]: event.agent },
        event.runId,
      );
      call = { span, context: trace.setSpan(parent, span) };
      spans.calls.set(key, call);
    }
    return call;
  }

  /** Ends the call, tool and input spans left open in a task (cut short by a cancel or failure). */
  #endOpenIn(spans: RunSpans, task: string | undefined, at: number, failed = false): void {
    const cut = (span: Span): void => {
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: "Ended with the run." });
      span.end(at);
    };
    for (const [id, span] of spans.tools) {
      spans.tools.delete(id);
      cut(span);
    }
    for (const [id, span] of spans.inputs) {
      spans.inputs.delete(id);
      cut(span);
    }
    for (const [key, call] of spans.calls) {
      if (task !== undefined && !key.startsWith(`${task}/`)) continue;
      spans.calls.delete(key);
      cut(call.span);
    }
  }

  #endRun(runId: string, spans: RunSpans, at: number, cutShort = false): void {
    this.#endOpenIn(spans, undefined, at, cutShort);
    for (const task of spans.tasks.values()) {
      if (cutShort)
        task.span.setStatus({ code: SpanStatusCode.ERROR, message: "Ended with the run." });
      task.span.end(at);
    }
    spans.run.end(at);
    this.#runs.delete(runId);
  }
}
