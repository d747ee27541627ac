import { describe, expect, it } from "vitest";
import { classifyStderrLine } from "./stderr-line.js";
import type { ProgressLine } from "./stderr-line.js";
import { TaskTracker } from "./task-tracker.js";

const agents = [
  { key: "researcher", role: "{topic} Researcher\n" },
  { key: "writer", role: "{topic} Writer\n" },
];
const tasks = [
  { key: "research", description: "Research {topic} in depth.\nUse sources.", agent: "researcher" },
  { key: "write", description: "Write a report on {topic}.", agent: "writer" },
];

function progress(agent: string, task: string, extra: Partial<ProgressLine> = {}): ProgressLine {
  return { kind: "progress", agent, task, stepKind: "thought", ...extra };
}

describe("classifyStderrLine", () => {
  it("recognises the seed's progress line, with an optional kind and text", () => {
    expect(
      classifyStderrLine(
        '{"type":"progress","agent":"A","task":"T","timestamp":"2024-01-01T00:00:00Z"}',
      ),
    ).toEqual({
      kind: "progress",
      agent: "A",
      task: "T",
      stepKind: "thought",
    });
    expect(
      classifyStderrLine(
        '{"type":"progress","agent":"A","task":"T","kind":"tool","text":"search"}',
      ),
    ).toMatchObject({ stepKind: "tool", text: "search" });
    expect(
      classifyStderrLine('{"type":"progress","agent":"A","task":"T","kind":"dance"}'),
    ).toMatchObject({ stepKind: "thought" });
  });

  it("passes step-level protocol events and strips the envelope the bridge assigns", () => {
    expect(
      classifyStderrLine('{"v":1,"runId":"x","seq":9,"ts":"t","type":"text.delta","delta":"hi"}'),
    ).toEqual({ kind: "event", fields: { type: "text.delta", delta: "hi" } });
  });

  it("keeps lifecycle events, other JSON and plain text as diagnostics", () => {
    for (const line of [
      '{"type":"run.end","status":"completed"}',
      '{"level":"info"}',
      "[1, 2]",
      "Traceback (most recent call last):",
      "{not json}",
    ]) {
      expect(classifyStderrLine(line)).toEqual({ kind: "diagnostic", text: line });
    }
  });
});

describe("TaskTracker", () => {
  it("matches tasks by their first line and agents by role, with placeholders filled in", () => {
    const tracker = new TaskTracker(agents, tasks, { topic: "Rust" }, () => 1000);
    const drafts = tracker.progress(progress("Rust Researcher", "Research Rust in depth."));
    expect(drafts).toEqual([
      {
        type: "task.start",
        task: "research",
        index: 0,
        total: 2,
        description: "Research Rust in depth.\nUse sources.",
        agent: "researcher",
      },
      {
        type: "agent.step",
        agent: "researcher",
        task: "research",
        step: 1,
        kind: "thought",
        text: "Research Rust in depth.",
      },
    ]);
  });

  it("ends the task before when a new task line appears, with its streamed text as output", () => {
    let now = 1000;
    const tracker = new TaskTracker(agents, tasks, { topic: "Rust" }, () => now);
    tracker.progress(progress("Rust Researcher", "Research Rust in depth."));
    expect(tracker.passthrough({ type: "text.delta", delta: "notes " })).toEqual([
      {
        type: "text.delta",
        delta: "notes ",
        task: "research",
        agent: "researcher",
      },
    ]);
    tracker.passthrough({ type: "text.delta", delta: "done" });
    now = 1500;
    const drafts = tracker.progress(progress("Rust Writer", "Write a report on Rust."));
    expect(drafts[0]).toEqual({
      type: "task.end",
      task: "research",
      agent: "researcher",
      output: "notes done",
      // The process reported no usage: its two streamed chunks are the estimate.
      usage: { inputTokens: 0, outputTokens: 2 },
      estimated: true,
      durationMs: 500,
    });
    expect(drafts[1]).toMatchObject({
      type: "task.start",
      task: "write",
      agent: "writer",
      index: 1,
    });
    expect(tracker.finish("final")).toMatchObject([
      {
        type: "task.end",
        task: "write",
        output: "final",
        usage: { inputTokens: 0, outputTokens: 0 },
        estimated: true,
      },
    ]);
    expect(tracker.finish()).toEqual([]);
    expect(tracker.usage).toEqual({ usage: { inputTokens: 0, outputTokens: 2 }, estimated: true });
  });

  it("reports the usage the process puts on its steps, and estimates only what follows", () => {
    const tracker = new TaskTracker(agents, tasks, { topic: "Rust" });
    tracker.progress(progress("Rust Researcher", "Research Rust in depth."));
    tracker.passthrough({ type: "text.delta", delta: "a" });
    tracker.passthrough({
      type: "agent.step",
      kind: "answer",
      text: "a",
      usage: { inputTokens: 30, outputTokens: 9 },
    });
    expect(tracker.usage).toEqual({
      usage: { inputTokens: 30, outputTokens: 9 },
      estimated: false,
    });
    tracker.passthrough({ type: "text.delta", delta: "b" });
    expect(tracker.usage).toEqual({
      usage: { inputTokens: 30, outputTokens: 10 },
      estimated: true,
    });
    tracker.passthrough({
      type: "agent.step",
      kind: "answer",
      text: "b",
      usage: { inputTokens: 40, outputTokens: 5 },
    });
    expect(tracker.finish()).toMatchObject([
      { type: "task.end", task: "research", usage: { inputTokens: 70, outputTokens: 14 } },
    ]);
    expect(tracker.finish()).toEqual([]);
    expect(tracker.usage).toEqual({
      usage: { inputTokens: 70, outputTokens: 14 },
      estimated: false,
    });
  });

  it("gives the next declared task to a line that matches none, and new keys beyond them", () => {
    const tracker = new TaskTracker(agents, tasks, { topic: "Rust" });
    expect(tracker.progress(progress("Someone Else", "Something unexpected"))[0]).toMatchObject({
      task: "research",
      agent: "someone_else",
    });
    tracker.progress(progress("Rust Writer", "Write a report on Rust."));
    expect(tracker.progress(progress("Rust Writer", "An extra task!"))[1]).toMatchObject({
      type: "task.start",
      task: "an_extra_task",
      index: 2,
      total: 3,
    });
  });

  it("refuses passthrough fields that do not make a valid event", () => {
    const tracker = new TaskTracker([], [], {});
    expect(tracker.passthrough({ type: "text.delta", delta: 42 })).toBeUndefined();
    expect(tracker.passthrough({ type: "tool.call", tool: "search" })).toBeUndefined();
    expect(
      tracker.passthrough({ type: "tool.call", callId: "c1", tool: "search", args: { q: "x" } }),
    ).toEqual([{ type: "tool.call", callId: "c1", tool: "search", args: { q: "x" } }]);
  });

  it("numbers passthrough agent steps after the progress steps of the same task", () => {
    const tracker = new TaskTracker(agents, tasks, { topic: "Rust" });
    tracker.progress(progress("Rust Researcher", "Research Rust in depth."));
    expect(tracker.passthrough({ type: "agent.step", kind: "answer", text: "ok" })).toMatchObject([
      { step: 2, task: "research" },
    ]);
    expect(
      tracker.progress(progress("Rust Researcher", "Research Rust in depth."))[0],
    ).toMatchObject({ step: 3 });
  });

  it("follows task.start and task.end lines of crewstream_bridge: task by name, agent by role, usage kept", () => {
    let now = 1000;
    const tracker = new TaskTracker(agents, tasks, { topic: "Rust" }, () => now);
    const first = tracker.passthrough({
      type: "task.start",
      taskName: "write",
      agentRole: "Rust Writer",
      description: "Write a report on Rust.",
    });
    expect(first).toEqual([
      {
        type: "task.start",
        task: "write",
        agent: "writer",
        index: 0,
        total: 2,
        description: "Write a report on Rust.",
      },
    ]);
    // A step by another agent (a hierarchical crew's coworker) names that agent.
    expect(
      tracker.passthrough({
        type: "agent.step",
        kind: "thought",
        text: "hm",
        agentRole: "Rust Researcher",
      }),
    ).toEqual([
      {
        type: "agent.step",
        kind: "thought",
        text: "hm",
        step: 1,
        task: "write",
        agent: "researcher",
      },
    ]);
    now = 1800;
    // A task.start while a task is open ends it first; an unknown name takes the next declared task.
    const next = tracker.passthrough({
      type: "task.start",
      taskName: "proofread",
      agentRole: "Editor",
      description: "Proofread it.\nCarefully.",
    });
    expect(next).toEqual([
      {
        type: "task.end",
        task: "write",
        agent: "writer",
        output: "hm",
        // Nothing reported and nothing streamed: tokens unknown, shown as an estimate of 0.
        usage: { inputTokens: 0, outputTokens: 0 },
        estimated: true,
        durationMs: 800,
      },
      {
        type: "task.start",
        task: "research",
        agent: "editor",
        index: 1,
        total: 2,
        description: "Research Rust in depth.\nUse sources.",
      },
    ]);
    expect(
      tracker.passthrough({
        type: "task.end",
        output: "checked",
        usage: { inputTokens: 120, outputTokens: 30 },
      }),
    ).toMatchObject([
      {
        type: "task.end",
        task: "research",
        output: "checked",
        usage: { inputTokens: 120, outputTokens: 30 },
      },
    ]);
    expect(tracker.lastOutput).toBe("checked");
    expect(tracker.passthrough({ type: "task.end", output: "again" })).toEqual([]);
    expect(
      tracker.passthrough({ type: "task.start", taskName: "extra", description: "An extra task." }),
    ).toMatchObject([
      { type: "task.start", task: "extra", index: 2, total: 3, description: "An extra task." },
    ]);
  });
});
