import { describe, expect, it } from "vitest";
import { EventStamper } from "./protocol.js";
import type { CrewEvent, EventDraft } from "./protocol.js";
import { foldProgress, reduceProgress } from "./progress.js";
import { initialProgress } from "./progress-state.js";
import { ONE_TASK_START } from "./test-support/one-task-run.js";
import { activeRetry, finalText, pendingInput } from "./progress-selectors.js";

function run(drafts: EventDraft[]): CrewEvent[] {
  const stamper = new EventStamper("run-1");
  return drafts.map((d) => stamper.stamp(d));
}

const usage = { inputTokens: 10, outputTokens: 4 };
const events = run([
  {
    type: "run.start",
    crew: "research-crew",
    process: "sequential",
    inputs: { topic: "tides" },
    agents: [
      { key: "researcher", role: "Researcher" },
      { key: "writer", role: "Writer" },
    ],
    tasks: [
      { key: "research", agent: "researcher" },
      { key: "write", agent: "writer" },
    ],
  },
  {
    type: "task.start",
    task: "research",
    agent: "researcher",
    index: 0,
    total: 2,
    description: "Research tides",
  },
  {
    type: "tool.call",
    task: "research",
    agent: "researcher",
    callId: "c1",
    tool: "fetch_url",
    args: { url: "https://example.com" },
  },
  {
    type: "tool.result",
    task: "research",
    agent: "researcher",
    callId: "c1",
    tool: "fetch_url",
    result: "page",
  },
  { type: "text.delta", task: "research", agent: "researcher", delta: "Tides " },
  { type: "text.delta", task: "research", agent: "researcher", delta: "rise." },
  {
    type: "agent.step",
    task: "research",
    agent: "researcher",
    step: 1,
    kind: "answer",
    text: "Tides rise.",
  },
  {
    type: "task.end",
    task: "research",
    agent: "researcher",
    output: "Tides rise.",
    usage,
    durationMs: 50,
  },
  { type: "task.start", task: "write", agent: "writer", index: 1, total: 2, description: "Write" },
  {
    type: "llm.retry",
    task: "write",
    agent: "writer",
    attempt: 1,
    delayMs: 2000,
    reason: "rate limited (429)",
  },
  { type: "text.delta", task: "write", agent: "writer", delta: "# Report" },
  { type: "input.request", task: "write", agent: "writer", requestId: "r1", prompt: "Approve?" },
]);

describe("reduceProgress", () => {
  it("tracks tasks, agents, tools, text and waits as events arrive", () => {
    const state = foldProgress(events);
    expect(state).toMatchObject({
      runId: "run-1",
      crew: "research-crew",
      status: "waiting_input",
      lastSeq: events.length,
    });
    const [research, write] = state.tasks;
    expect(research).toMatchObject({
      status: "completed",
      output: "Tides rise.",
      steps: 1,
      usage,
      estimated: false,
      durationMs: 50,
    });
    expect(research?.tools).toEqual([
      {
        callId: "c1",
        tool: "fetch_url",
        agent: "researcher",
        args: { url: "https://example.com" },
        status: "completed",
        result: "page",
      },
    ]);
    expect(write).toMatchObject({
      status: "waiting_input",
      segments: [{ agent: "writer", text: "# Report" }],
      usage: { inputTokens: 0, outputTokens: 1 },
      estimated: true,
    });
    expect(activeRetry(state)).toBeUndefined();
    expect(pendingInput(state)).toEqual({
      requestId: "r1",
      prompt: "Approve?",
      agent: "writer",
      task: "write",
    });
    expect(
      state.agents.map(({ key, role, status, steps, toolCalls, usage, estimated }) => ({
        key,
        role,
        status,
        steps,
        toolCalls,
        usage,
        estimated,
      })),
    ).toEqual([
      {
        key: "researcher",
        role: "Researcher",
        status: "completed",
        steps: 1,
        toolCalls: 1,
        usage,
        estimated: false,
      },
      {
        key: "writer",
        role: "Writer",
        status: "waiting_input",
        steps: 0,
        toolCalls: 0,
        usage: { inputTokens: 0, outputTokens: 1 },
        estimated: true,
      },
    ]);
    expect(state).toMatchObject({ usage: { inputTokens: 10, outputTokens: 5 }, estimated: true });
    expect(finalText(state)).toBe("# Report");
  });

  it("shows a retry until text flows again", () => {
    const upToRetry = foldProgress(events.slice(0, 10));
    expect(activeRetry(upToRetry)).toMatchObject({
      task: "write",
      attempt: 1,
      delayMs: 2000,
      reason: "rate limited (429)",
    });
  });

  it("ends with the result as the final text and closes open tasks", () => {
    const end = new EventStamper("run-1", events.length).stamp({
      type: "run.end",
      status: "completed",
      result: "# Final",
      usage: { inputTokens: 30, outputTokens: 12 },
      durationMs: 120,
    });
    const state = reduceProgress(foldProgress(events), end);
    expect(state).toMatchObject({
      status: "completed",
      result: "# Final",
      durationMs: 120,
      usage: { inputTokens: 30, outputTokens: 12 },
      estimated: false,
    });
    // What run.end counts beyond the finished task belongs to the task it cut short.
    expect(state.tasks[1]).toMatchObject({ usage: { inputTokens: 20, outputTokens: 8 } });
    expect(state.agents[1]).toMatchObject({ usage: { inputTokens: 20, outputTokens: 8 } });
    expect(pendingInput(state)).toBeUndefined();
    expect(state.tasks[1]?.status).toBe("completed");
    expect(finalText(state)).toBe("# Final");
  });

  it("keeps reasoning apart from the text, one thought per step, counted in the estimate", () => {
    const thinking = run([
      ONE_TASK_START,
      { type: "task.start", task: "t", agent: "a", index: 0, total: 1, description: "T" },
      { type: "reasoning.delta", task: "t", agent: "a", delta: "Weigh " },
      { type: "reasoning.delta", task: "t", agent: "a", delta: "sources." },
      { type: "text.delta", task: "t", agent: "a", delta: "Answer" },
      { type: "agent.step", task: "t", agent: "a", step: 1, kind: "answer", text: "Answer" },
      { type: "reasoning.delta", task: "t", agent: "a", delta: "Check." },
    ]);
    const task = foldProgress(thinking).tasks[0];
    expect(task?.thoughts).toEqual([
      { agent: "a", text: "Weigh sources.", step: 1 },
      { agent: "a", text: "Check." },
    ]);
    expect(task?.segments).toEqual([{ agent: "a", text: "Answer" }]);
    expect(task?.usage).toEqual({ inputTokens: 0, outputTokens: 4 });
    expect(task?.estimated).toBe(true);
  });

  it("ignores events it already folded in", () => {
    const state = foldProgress(events);
    expect(reduceProgress(state, events[4] as CrewEvent)).toBe(state);
    expect(foldProgress([...events, ...events])).toEqual(state);
  });

  it("keeps what a task recalled from and saved to long-term memory", () => {
    const memory = run([
      events[0]!,
      {
        type: "task.start",
        task: "research",
        agent: "researcher",
        index: 0,
        total: 2,
        description: "R",
      },
      {
        type: "memory.recall",
        task: "research",
        agent: "researcher",
        entries: [{ id: "1", text: "Tides: moon" }],
      },
      {
        type: "task.end",
        task: "research",
        agent: "researcher",
        output: "ok",
        usage,
        durationMs: 1,
      },
      {
        type: "memory.save",
        task: "research",
        agent: "researcher",
        entry: { id: "2", text: "Tides: ok" },
      },
    ]);
    const state = foldProgress(memory);
    expect(state.tasks[0]?.memory).toEqual({
      recalled: [{ id: "1", text: "Tides: moon" }],
      saved: { id: "2", text: "Tides: ok" },
    });
    expect(state.tasks[1]?.memory).toBeUndefined();
  });

  it("starts empty", () => {
    expect(initialProgress("r")).toEqual({
      runId: "r",
      status: "queued",
      lastSeq: 0,
      waitingFor: [],
      agents: [],
      tasks: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      estimated: false,
      cost: 0,
      timeline: [],
    });
    expect(finalText(initialProgress())).toBe("");
  });
});

describe("structured outputs, checks, files and warnings", () => {
  const scope = { agent: "a", task: "t" };
  const structured = run([
    {
      ...ONE_TASK_START,
      warnings: [{ file: "agents.yaml", line: 5, key: "a.memory", message: "ignored: no memory" }],
    },
    { type: "task.start", ...scope, index: 0, total: 1, description: "d" },
    { type: "text.delta", ...scope, delta: '{"title": "Ow' },
    { type: "object.delta", ...scope, partial: { title: "Ow" } },
    { type: "guardrail.check", ...scope, attempt: 1, ok: false, feedback: "too short" },
    { type: "object.delta", ...scope, partial: { title: "Owls" } },
    { type: "guardrail.check", ...scope, attempt: 2, ok: true },
    {
      type: "task.end",
      ...scope,
      output: '{"title":"Owls","n":2}',
      object: { title: "Owls", n: 2 },
      file: "brief.json",
      usage,
      durationMs: 5,
    },
  ]);

  it("keeps the partial object while it streams, then the final one and the file", () => {
    const partial = foldProgress(structured.slice(0, 4));
    expect(partial.tasks[0]?.object).toEqual({ title: "Ow" });
    const done = foldProgress(structured);
    expect(done.tasks[0]).toMatchObject({ object: { title: "Owls", n: 2 }, file: "brief.json" });
  });

  it("keeps what the provider said about the task's calls, each warning once", () => {
    const step = (n: number, warnings?: string[]): EventDraft => ({
      type: "agent.step",
      ...scope,
      step: n,
      kind: "answer",
      text: "x",
      ...(warnings ? { warnings } : {}),
    });
    const events = run([
      ONE_TASK_START,
      { type: "task.start", ...scope, index: 0, total: 1, description: "d" },
      step(1, ['"topK" is not supported.', "Schema not enforced."]),
      step(2),
      step(3, ["Schema not enforced."]),
      {
        type: "guardrail.check",
        ...scope,
        attempt: 1,
        ok: true,
        warnings: ["Schema not enforced.", "Verdict schema not enforced."],
      },
    ]);
    expect(foldProgress(events.slice(0, 4)).tasks[0]?.warnings).toEqual([
      '"topK" is not supported.',
      "Schema not enforced.",
    ]);
    expect(foldProgress(events.slice(0, 2)).tasks[0]).not.toHaveProperty("warnings");
    // A sentence guardrail's check is a model call of the task too.
    expect(foldProgress(events).tasks[0]?.warnings).toEqual([
      '"topK" is not supported.',
      "Schema not enforced.",
      "Verdict schema not enforced.",
    ]);
  });

  it("lists every check in order, and the run's warnings", () => {
    const done = foldProgress(structured);
    expect(done.tasks[0]?.checks).toEqual([
      { attempt: 1, ok: false, feedback: "too short" },
      { attempt: 2, ok: true },
    ]);
    expect(done.warnings).toEqual([
      { file: "agents.yaml", line: 5, key: "a.memory", message: "ignored: no memory" },
    ]);
  });
});
