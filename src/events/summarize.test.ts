import { describe, expect, it } from "vitest";
import { EventStamper, type CrewEvent, type EventDraft } from "./protocol.js";
import { summarize, SummaryBuilder } from "./summarize.js";

const start: EventDraft = {
  type: "run.start",
  crew: "research",
  process: "sequential",
  inputs: { topic: "otters" },
  agents: [
    { key: "researcher", role: "Researcher" },
    { key: "writer", role: "Writer" },
  ],
  tasks: [
    { key: "research", agent: "researcher" },
    { key: "report", agent: "writer" },
  ],
};
const r = { agent: "researcher", task: "research" };
const w = { agent: "writer", task: "report" };

function stampAll(drafts: EventDraft[], at = Date.parse("2025-01-01T00:00:00Z")): CrewEvent[] {
  let t = at;
  const stamper = new EventStamper("run", 0, () => new Date((t += 1000)));
  return drafts.map((draft) => stamper.stamp(draft));
}

const sequential = stampAll([
  start,
  { type: "task.start", ...r, index: 0, total: 2, description: "Research otters" },
  { type: "text.delta", ...r, delta: "Ot" },
  { type: "text.delta", ...r, delta: "ters" },
  { type: "tool.call", ...r, callId: "c1", tool: "fetch_url", args: {} },
  { type: "tool.result", ...r, callId: "c1", tool: "fetch_url", result: "ok" },
  { type: "agent.step", ...r, step: 1, kind: "answer", text: "Otters" },
  {
    type: "task.end",
    ...r,
    output: "Otters",
    usage: { inputTokens: 40, outputTokens: 12 },
    durationMs: 5000,
  },
  { type: "task.start", ...w, index: 1, total: 2, description: "Write" },
  { type: "text.delta", ...w, delta: "Draft" },
  { type: "input.request", ...w, requestId: "q1", prompt: "OK?" },
  { type: "input.response", ...w, requestId: "q1", text: "" },
  { type: "agent.step", ...w, step: 1, kind: "answer", text: "Report" },
  {
    type: "task.end",
    ...w,
    output: "Report",
    usage: { inputTokens: 60, outputTokens: 20 },
    durationMs: 4000,
  },
  {
    type: "run.end",
    status: "completed",
    result: "Report",
    usage: { inputTokens: 100, outputTokens: 32 },
    durationMs: 14000,
  },
]);

describe("summarize", () => {
  it("lists every agent and task as pending right after run.start", () => {
    const summary = summarize(sequential.slice(0, 1));
    expect(summary).toMatchObject({
      status: "running",
      crew: "research",
      lastSeq: 1,
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    expect(summary.tasks.map((t) => [t.key, t.agent, t.status])).toEqual([
      ["research", "researcher", "pending"],
      ["report", "writer", "pending"],
    ]);
    expect(summary.agents.map((a) => [a.key, a.role, a.status])).toEqual([
      ["researcher", "Researcher", "pending"],
      ["writer", "Writer", "pending"],
    ]);
  });

  it("estimates tokens from text deltas while a task runs and shows who is working", () => {
    const summary = summarize(sequential.slice(0, 5));
    expect(summary.currentTask).toBe("research");
    expect(summary.tasks[0]).toMatchObject({
      status: "running",
      index: 0,
      description: "Research otters",
      toolCalls: 1,
      estimated: true,
      usage: { inputTokens: 0, outputTokens: 2 },
    });
    expect(summary.agents[0]).toMatchObject({
      key: "researcher",
      status: "running",
      toolCalls: 1,
      estimated: true,
      tasks: ["research"],
    });
    expect(summary).toMatchObject({ estimated: true, usage: { outputTokens: 2 } });
  });

  it("switches to real usage at task.end and shows a task waiting for input", () => {
    const summary = summarize(sequential.slice(0, 11));
    expect(summary.tasks[0]).toMatchObject({
      status: "completed",
      steps: 1,
      usage: { inputTokens: 40, outputTokens: 12 },
      estimated: false,
      durationMs: 5000,
      output: "Otters",
    });
    expect(summary.agents[0]).toMatchObject({
      status: "completed",
      usage: { inputTokens: 40, outputTokens: 12 },
      estimated: false,
    });
    expect(summary.tasks[1]?.status).toBe("waiting_input");
    expect(summary.agents[1]?.status).toBe("waiting_input");
    expect(summary.waitingFor).toEqual([
      { requestId: "q1", prompt: "OK?", agent: "writer", task: "report" },
    ]);
    expect(summarize(sequential.slice(0, 12)).tasks[1]?.status).toBe("running");
  });

  it("ends with the run's status, result, usage and per-task durations", () => {
    const summary = summarize(sequential);
    expect(summary).toMatchObject({
      status: "completed",
      result: "Report",
      usage: { inputTokens: 100, outputTokens: 32 },
      estimated: false,
      durationMs: 14000,
      waitingFor: [],
    });
    expect(summary.tasks.map((t) => t.status)).toEqual(["completed", "completed"]);
    expect(summary.agents.map((a) => [a.status, a.usage.outputTokens])).toEqual([
      ["completed", 12],
      ["completed", 20],
    ]);
    expect(summary.agents[0]?.startedAt).toBe(sequential[1]?.ts);
    expect(summary.agents[0]?.durationMs).toBe(6000);
  });

  it("marks the working task and agent failed and never-started tasks cancelled when the run fails", () => {
    const events = [
      ...sequential.slice(0, 4),
      ...stampAll([
        {
          type: "run.end",
          status: "failed",
          error: { code: "provider_error", message: "down" },
          usage: { inputTokens: 0, outputTokens: 0 },
          durationMs: 1,
        },
      ]).map((e) => ({ ...e, seq: 5 })),
    ];
    const summary = summarize(events);
    expect(summary).toMatchObject({ status: "failed", error: { code: "provider_error" } });
    expect(summary.tasks.map((t) => t.status)).toEqual(["failed", "cancelled"]);
    expect(summary.agents.map((a) => a.status)).toEqual(["failed", "pending"]);
    // A run.end that counts less than was streamed (a producer reporting 0) keeps the estimate.
    expect(summary).toMatchObject({ usage: { inputTokens: 0, outputTokens: 2 }, estimated: true });
    expect(summary.tasks[0]).toMatchObject({ usage: { outputTokens: 2 }, estimated: true });
    expect(summary.agents[0]).toMatchObject({ usage: { outputTokens: 2 }, estimated: true });
  });

  it("counts delegations and shares a hierarchical task's usage among the agents that wrote", () => {
    const m = { agent: "manager", task: "research" };
    const events = stampAll([
      {
        ...start,
        process: "hierarchical",
        agents: [
          ...(start.type === "run.start" ? start.agents : []),
          { key: "manager", role: "Manager" },
        ],
      },
      { type: "task.start", ...m, index: 0, total: 1, description: "Research" },
      { type: "task.delegate", ...m, from: "manager", to: "researcher", reason: "dig" },
      { type: "text.delta", ...r, delta: "a" },
      { type: "text.delta", ...r, delta: "b" },
      { type: "text.delta", ...r, delta: "c" },
      { type: "text.delta", ...m, delta: "d" },
      {
        type: "task.end",
        ...m,
        output: "x",
        usage: { inputTokens: 10, outputTokens: 9 },
        durationMs: 1,
      },
    ]);
    const summary = summarize(events);
    expect(summary.tasks[0]).toMatchObject({
      delegations: 1,
      usage: { inputTokens: 10, outputTokens: 9 },
    });
    const byKey = Object.fromEntries(summary.agents.map((a) => [a.key, a]));
    expect(byKey.manager).toMatchObject({
      delegations: 1,
      usage: { inputTokens: 2, outputTokens: 2 },
    });
    expect(byKey.researcher).toMatchObject({
      delegations: 0,
      usage: { inputTokens: 8, outputTokens: 7 },
    });
  });

  it("keeps counting streamed text when a task ends with a usage of zero (nothing measured)", () => {
    const events = stampAll([
      start,
      { type: "task.start", ...r, index: 0, total: 2, description: "Research otters" },
      { type: "text.delta", ...r, delta: "Ot" },
      { type: "text.delta", ...r, delta: "ters" },
      { type: "text.delta", ...r, delta: "!" },
      {
        type: "task.end",
        ...r,
        output: "Otters!",
        usage: { inputTokens: 0, outputTokens: 0 },
        durationMs: 5,
      },
    ]);
    const summary = summarize(events);
    expect(summary.tasks[0]).toMatchObject({
      status: "completed",
      usage: { inputTokens: 0, outputTokens: 3 },
      estimated: true,
    });
    expect(summary.agents[0]).toMatchObject({
      usage: { inputTokens: 0, outputTokens: 3 },
      estimated: true,
    });
    expect(summary).toMatchObject({ usage: { inputTokens: 0, outputTokens: 3 }, estimated: true });
  });

  it("builds the same summary incrementally as in one go, and snapshots are independent", () => {
    const builder = new SummaryBuilder();
    const first = builder.snapshot();
    expect(first).toMatchObject({ status: "queued", lastSeq: 0, tasks: [], agents: [] });
    sequential.forEach((event, i) => {
      builder.add(event);
      expect(builder.snapshot()).toEqual(summarize(sequential.slice(0, i + 1)));
    });
    const snap = builder.snapshot();
    snap.tasks.length = 0;
    expect(builder.snapshot().tasks).toHaveLength(2);
  });
});
