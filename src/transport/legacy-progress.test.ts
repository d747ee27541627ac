import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import {
  LegacyProgressProjector,
  toLegacyProgress,
  type LegacyProgressContext,
} from "./legacy-progress.js";

describe("legacy progress lines", () => {
  const stamper = new EventStamper("run_1");
  const runStart = stamper.stamp({
    type: "run.start",
    crew: "research-crew",
    process: "sequential",
    inputs: { topic: "AI" },
    agents: [{ key: "researcher", role: "{topic} Senior Researcher\n" }],
    tasks: [{ key: "research_task", agent: "researcher" }],
  });
  const taskStart = stamper.stamp({
    type: "task.start",
    agent: "researcher",
    task: "research_task",
    index: 0,
    total: 1,
    description:
      "\n  Conduct a thorough research about AI.  \nMake sure you find anything interesting.",
  });
  const step = stamper.stamp({
    type: "agent.step",
    agent: "researcher",
    task: "research_task",
    step: 1,
    kind: "thought",
    text: "Let me think.",
  });

  it("projects agent.step to the seed's exact shape and key order", () => {
    const projector = new LegacyProgressProjector();
    expect(projector.push(runStart)).toBeUndefined();
    expect(projector.push(taskStart)).toBeUndefined();
    const line = projector.push(step);
    expect(JSON.stringify(line)).toBe(
      JSON.stringify({
        type: "progress",
        agent: "AI Senior Researcher",
        task: "Conduct a thorough research about AI.",
        timestamp: step.ts,
      }),
    );
  });

  it("only agent.step gives a line", () => {
    const projector = new LegacyProgressProjector();
    const delta = stamper.stamp({
      type: "text.delta",
      agent: "researcher",
      task: "research_task",
      delta: "x",
    });
    expect([runStart, taskStart, delta].map((event) => projector.push(event))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("falls back to keys when the run's start was not seen", () => {
    const line = toLegacyProgress(step, { roles: new Map(), descriptions: new Map() });
    expect(line).toEqual({
      type: "progress",
      agent: "researcher",
      task: "research_task",
      timestamp: step.ts,
    });
  });

  it("takes the first non-empty line of a description", () => {
    const context = (description: string): LegacyProgressContext => ({
      roles: new Map(),
      descriptions: new Map([["research_task", description]]),
    });
    expect(toLegacyProgress(step, context("\n\n  Write it.\nThen check.")).task).toBe("Write it.");
    expect(toLegacyProgress(step, context("")).task).toBe("");
  });
});
