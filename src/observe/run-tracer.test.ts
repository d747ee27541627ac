import { SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { EventStamper, type EventDraft } from "../events/index.js";
import { RunTracer } from "./run-tracer.js";

function trace(drafts: EventDraft[]): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = new RunTracer(provider.getTracer("test"));
  const stamper = new EventStamper(
    "run-1",
    0,
    (() => {
      let ms = Date.parse("2026-01-01T00:00:00Z");
      return () => new Date((ms += 100));
    })(),
  );
  for (const draft of drafts) tracer.observer.event!(stamper.stamp(draft));
  return exporter.getFinishedSpans();
}

const scope = { task: "t1", agent: "manager" };

describe("RunTracer", () => {
  it("nests tool, delegation, retry and human-input spans under model calls, tasks and the run", () => {
    const spans = trace([
      {
        type: "run.start",
        crew: "c",
        process: "hierarchical",
        inputs: {},
        agents: [{ key: "writer", role: "Writer" }],
        tasks: [{ key: "t1", agent: "manager" }],
      },
      { type: "task.start", ...scope, index: 0, total: 1, description: "d" },
      {
        type: "llm.retry",
        ...scope,
        attempt: 1,
        delayMs: 50,
        reason: "rate limited (429)",
        model: "openai/gpt-4o-mini",
        rateLimited: true,
      },
      { type: "tool.call", ...scope, callId: "c1", tool: "delegate_work", args: {} },
      { type: "task.delegate", ...scope, from: "manager", to: "writer", reason: "write it" },
      { type: "text.delta", task: "t1", agent: "writer", delta: "hi" },
      {
        type: "agent.step",
        task: "t1",
        agent: "writer",
        step: 1,
        kind: "answer",
        text: "hi",
        usage: { inputTokens: 10, outputTokens: 2 },
        model: "openai/gpt-4o-mini",
        finishReason: "stop",
        durationMs: 100,
        cost: 0.0000027,
        warnings: ['The feature "topK" is not supported.'],
      },
      { type: "tool.result", ...scope, callId: "c1", tool: "delegate_work", result: "hi" },
      { type: "tool.call", ...scope, callId: "c2", tool: "search", args: {} },
      {
        type: "tool.result",
        ...scope,
        callId: "c2",
        tool: "search",
        error: { code: "tool_error", message: "offline" },
      },
      {
        type: "agent.step",
        ...scope,
        step: 2,
        kind: "tool",
        text: "Using tool",
        model: "openai/gpt-4o-mini",
        finishReason: "tool-calls",
        durationMs: 600,
      },
      { type: "input.request", ...scope, requestId: "q1", prompt: "ok?" },
      { type: "input.response", ...scope, requestId: "q1", text: "" },
      {
        type: "run.end",
        status: "failed",
        error: { code: "timeout", message: "too slow" },
        usage: { inputTokens: 10, outputTokens: 2 },
        durationMs: 1300,
      },
    ]);
    const byName = (name: string) => spans.filter((s) => s.name === name);
    const run = byName("invoke_workflow c")[0]!;
    const task = byName("task t1")[0]!;
    const [managerCall, writerCall] = [
      spans.find(
        (s) => s.name === "chat gpt-4o-mini" && s.attributes["gen_ai.agent.name"] === "manager",
      )!,
      spans.find(
        (s) => s.name === "chat gpt-4o-mini" && s.attributes["gen_ai.agent.name"] === "writer",
      )!,
    ];
    const delegate = byName("execute_tool delegate_work")[0]!;
    const search = byName("execute_tool search")[0]!;
    const input = byName("human_input")[0]!;

    for (const span of spans) expect(span.attributes["crewstream.run.id"]).toBe("run-1");
    expect(run.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "too slow" });
    expect(task.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(managerCall.parentSpanContext?.spanId).toBe(task.spanContext().spanId);
    expect(writerCall.parentSpanContext?.spanId).toBe(task.spanContext().spanId);
    expect(delegate.parentSpanContext?.spanId).toBe(managerCall.spanContext().spanId);
    expect(search.parentSpanContext?.spanId).toBe(managerCall.spanContext().spanId);
    expect(input.parentSpanContext?.spanId).toBe(task.spanContext().spanId);

    expect(writerCall.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 2,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    // The provider's warning about the call is an event of its span.
    expect(writerCall.events.map((e) => [e.name, e.attributes])).toEqual([
      ["warning", { "crewstream.warning": 'The feature "topK" is not supported.' }],
    ]);
    expect(delegate.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "delegate_work",
      "gen_ai.tool.call.id": "c1",
    });
    expect(delegate.events.map((e) => e.name)).toEqual(["delegate"]);
    expect(delegate.events[0]!.attributes).toMatchObject({ "crewstream.delegate.to": "writer" });
    expect(managerCall.events.map((e) => e.name)).toEqual(["retry"]);
    expect(managerCall.events[0]!.attributes).toMatchObject({
      "crewstream.retry.attempt": 1,
      "crewstream.retry.rate_limited": true,
    });
    expect(search.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "offline" });
    // The writer's call starts at the delegation, not at the task's start.
    expect(writerCall.startTime).toEqual(byName("execute_tool delegate_work")[0]!.events[0]!.time);
  });

  it("gives a process crew's run a run span and task spans from its events", () => {
    const spans = trace([
      {
        type: "run.start",
        crew: "py",
        process: "sequential",
        inputs: {},
        agents: [],
        tasks: [{ key: "a" }, { key: "b" }],
      },
      { type: "task.start", task: "a", index: 0, total: 2, description: "A" },
      { type: "agent.step", task: "a", agent: "r", step: 1, kind: "thought", text: "hm" },
      {
        type: "task.end",
        task: "a",
        output: "x",
        usage: { inputTokens: 0, outputTokens: 5 },
        estimated: true,
        durationMs: 200,
      },
      { type: "task.start", task: "b", index: 1, total: 2, description: "B" },
      {
        type: "run.end",
        status: "cancelled",
        usage: { inputTokens: 0, outputTokens: 5 },
        durationMs: 500,
      },
    ]);
    const run = spans.find((s) => s.name === "invoke_workflow py")!;
    expect(spans.map((s) => s.name).sort()).toEqual(["invoke_workflow py", "task a", "task b"]);
    for (const task of spans.filter((s) => s.name.startsWith("task ")))
      expect(task.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    // A cancel is not an error.
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
    expect(run.attributes["crewstream.run.status"]).toBe("cancelled");
  });
});
