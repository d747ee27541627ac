import { describe, expect, it } from "vitest";
import { formatCost } from "./cost.js";
import { foldProgress } from "./progress.js";
import { EventStamper, type EventDraft } from "./protocol.js";
import { ONE_TASK_START } from "./test-support/one-task-run.js";

function fold(drafts: EventDraft[]) {
  let ms = Date.parse("2026-01-01T00:00:00.000Z");
  const stamper = new EventStamper("r", 0, () => new Date((ms += 1000)));
  return foldProgress(drafts.map((d) => stamper.stamp(d)));
}

const scope = { task: "t", agent: "a" };

describe("timeline", () => {
  it("records calls, tools, delegations, waits and retries as marks with their times", () => {
    const progress = fold([
      ONE_TASK_START,
      { type: "task.start", ...scope, index: 0, total: 1, description: "d" },
      {
        type: "llm.retry",
        ...scope,
        attempt: 1,
        delayMs: 500,
        reason: "max_rpm 1 reached",
        rateLimited: true,
      },
      { type: "tool.call", ...scope, callId: "c1", tool: "search", args: {} },
      { type: "tool.result", ...scope, callId: "c1", tool: "search", result: "ok" },
      {
        type: "agent.step",
        ...scope,
        step: 1,
        kind: "answer",
        text: "x",
        usage: { inputTokens: 3, outputTokens: 4 },
        model: "openai/gpt-4o-mini",
        finishReason: "stop",
        durationMs: 2500,
        cost: 0.000003,
        warnings: ['The feature "topK" is not supported.'],
      },
      { type: "task.delegate", ...scope, from: "a", to: "b", reason: "r" },
      { type: "input.request", ...scope, requestId: "q", prompt: "OK?\nmore" },
      { type: "tool.call", ...scope, callId: "c2", tool: "slow", args: {} },
      {
        type: "run.end",
        status: "cancelled",
        usage: { inputTokens: 3, outputTokens: 4 },
        durationMs: 9000,
      },
    ]);
    expect(
      progress.timeline.map((m) => [m.kind, m.label, m.start.slice(17), m.end?.slice(17)]),
    ).toEqual([
      ["rate_limit", "max_rpm 1 reached", "03.000Z", "03.500Z"],
      ["tool", "search", "04.000Z", "05.000Z"],
      ["call", "openai/gpt-4o-mini", "03.500Z", "06.000Z"],
      ["delegate", "a → b", "07.000Z", "07.000Z"],
      ["input", "OK?", "08.000Z", "10.000Z"],
      ["tool", "slow", "09.000Z", "10.000Z"],
    ]);
    const call = progress.timeline.find((m) => m.kind === "call")!;
    expect(call).toMatchObject({
      inputTokens: 3,
      outputTokens: 4,
      cost: 0.000003,
      seq: 6,
      warnings: ['The feature "topK" is not supported.'],
    });
    expect(formatCost(progress.cost)).toBe("$0.000003");
  });
});

describe("formatCost", () => {
  it("says unknown rather than 0 when a price is missing, $0 when free", () => {
    expect(formatCost(null)).toBe("unknown");
    expect(formatCost(undefined)).toBe("unknown");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.00045)).toBe("$0.00045");
    expect(formatCost(0.0123)).toBe("$0.012");
    expect(formatCost(12.345)).toBe("$12.35");
  });
});
