import { describe, expect, it } from "vitest";
import { EventStamper, type EventDraft } from "../events/index.js";
import { runLog } from "./run-log.js";

describe("runLog", () => {
  it("writes a run's start, each distinct provider warning once, and its end", () => {
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
      {
        type: "run.start",
        crew: "c",
        process: "sequential",
        inputs: {},
        agents: [{ key: "a", role: "A" }],
        tasks: [{ key: "t", agent: "a" }],
      },
      step(1, ["Schema not enforced."]),
      step(2, ["Schema not enforced.", "topK ignored."]),
      {
        type: "run.end",
        status: "completed",
        usage: { inputTokens: 1, outputTokens: 1 },
        durationMs: 5,
      },
    ];
    for (const draft of drafts) observer.event?.(stamper.stamp(draft));
    const scope = { runId: "run-1", crew: "c", model: "compatible/m", agent: "a", task: "t" };
    expect(records.map(([level, message, fields]) => [level, message, fields.warning])).toEqual([
      ["info", "run started", undefined],
      ["warn", "provider warning", "Schema not enforced."],
      ["warn", "provider warning", "topK ignored."],
      ["info", "run ended", undefined],
    ]);
    expect(records[1]![2]).toEqual({ ...scope, warning: "Schema not enforced." });
  });
});
