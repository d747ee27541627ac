import { describe, expect, it } from "vitest";
import { EventStamper, type EventDraft } from "../events/index.js";
import { ONE_TASK_START } from "../events/test-support/one-task-run.js";
import { runLog } from "./run-log.js";

describe("runLog", () => {
  it("writes a run's start, each provider warning once per agent, task and model, and its end", () => {
    const records: Array<[string, string, Record<string, unknown>]> = [];
    const observer = runLog({
      info: (message, fields) => records.push(["info", message, fields]),
      warn: (message, fields) => records.push(["warn", message, fields]),
    });
    const stamper = new EventStamper("run-1");
    const step = (n: number, warnings: string[]): EventDraft => ({
      type: "agent.step",
      task: "t",
      agent: "a",
      step: n,
      kind: "answer",
      text: "x",
      model: "compatible/m",
      warnings,
    });
    const drafts: EventDraft[] = [
      ONE_TASK_START,
      step(1, ["Schema not enforced."]),
      step(2, ["Schema not enforced.", "topK ignored."]),
      // Another agent's call, and a guardrail's check: their own records.
      { ...step(3, ["Schema not enforced."]), agent: "b" },
      {
        type: "guardrail.check",
        task: "t",
        agent: "a",
        attempt: 1,
        ok: true,
        warnings: ["Schema not enforced."],
      },
      {
        type: "run.end",
        status: "completed",
        usage: { inputTokens: 1, outputTokens: 1 },
        durationMs: 5,
      },
    ];
    for (const draft of drafts) observer.event?.(stamper.stamp(draft));
    const scope = { runId: "run-1", crew: "c", model: "compatible/m", agent: "a", task: "t" };
    expect(
      records.map(([level, message, fields]) => [level, message, fields.agent, fields.warning]),
    ).toEqual([
      ["info", "run started", undefined, undefined],
      ["warn", "provider warning", "a", "Schema not enforced."],
      ["warn", "provider warning", "a", "topK ignored."],
      ["warn", "provider warning", "b", "Schema not enforced."],
      ["warn", "provider warning", "a", "Schema not enforced."],
      ["info", "run ended", undefined, undefined],
    ]);
    // The guardrail's check names no model.
    expect(records[4]![2]).not.toHaveProperty("model");
    expect(records[1]![2]).toEqual({ ...scope, warning: "Schema not enforced." });
  });
});
