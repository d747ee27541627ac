import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import type { CrewEvent, EventDraft } from "../events/index.js";
import { emptyProgress, finalText, foldProgress, reduceProgress } from "./run-progress.js";

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
      status: "running",
      lastSeq: events.length,
    });
    const [research, write] = state.tasks;
    expect(research).toMatchObject({
      status: "completed",
      output: "Tides rise.",
      steps: 1,
      usage,
      durationMs: 50,
    });
    expect(research?.tools).toEqual([
      {
        callId: "c1",
        tool: "fetch_url",
        agent: "researcher",
        args: { url: "https://example.com" },
        status: "done",
        result: "page",
      },
    ]);
    expect(write).toMatchObject({
      status: "waiting",
      segments: [{ agent: "writer", text: "# Report" }],
    });
    expect(state.retry).toBeUndefined();
    expect(state.pendingInput).toEqual({ requestId: "r1", prompt: "Approve?", task: "write" });
    expect(state.agents).toEqual([
      {
        key: "researcher",
        role: "Researcher",
        status: "done",
        steps: 1,
        toolCalls: 1,
        outputTokens: 4,
      },
      { key: "writer", role: "Writer", status: "working", steps: 0, toolCalls: 0, outputTokens: 0 },
    ]);
    expect(finalText(state)).toBe("# Report");
  });

  it("shows a retry until text flows again", () => {
    const upToRetry = foldProgress(events.slice(0, 10));
    expect(upToRetry.retry).toMatchObject({
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
      usage: { outputTokens: 12 },
    });
    expect(state.pendingInput).toBeUndefined();
    expect(state.tasks[1]?.status).toBe("completed");
    expect(finalText(state)).toBe("# Final");
  });

  it("ignores events it already folded in", () => {
    const state = foldProgress(events);
    expect(reduceProgress(state, events[4] as CrewEvent)).toBe(state);
    expect(foldProgress([...events, ...events])).toEqual(state);
  });

  it("starts empty", () => {
    expect(emptyProgress("r")).toEqual({
      runId: "r",
      status: "starting",
      agents: [],
      tasks: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      lastSeq: 0,
    });
    expect(finalText(emptyProgress())).toBe("");
  });
});
