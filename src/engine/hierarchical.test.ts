import { describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { Crew } from "./crew.js";

const crew = new Crew({
  name: "managed",
  process: "hierarchical",
  model: "offline",
  agents: {
    researcher: { role: "Researcher", goal: "Find facts about {topic}", backstory: "Curious." },
    writer: { role: "Writer", goal: "Write about {topic}", backstory: "Clear." },
  },
  tasks: {
    brief: { description: "Write a brief on {topic}.", expectedOutput: "A one-page brief" },
  },
});

describe("hierarchical process", () => {
  it("lets the manager delegate to each coworker and answer the task itself", async () => {
    const events: CrewEvent[] = [];
    for await (const event of crew.stream({ topic: "geothermal energy" })) events.push(event);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({
      type: "run.start",
      process: "hierarchical",
      agents: [{ key: "manager", role: "Crew Manager" }, { key: "researcher" }, { key: "writer" }],
    });

    const delegations = events.filter((e) => e.type === "task.delegate");
    expect(delegations).toMatchObject([
      { from: "manager", to: "researcher", agent: "manager", task: "brief" },
      { from: "manager", to: "writer", agent: "manager", task: "brief" },
    ]);

    // Each coworker's work streams under its own key, inside the manager's tool call.
    for (const coworker of ["researcher", "writer"]) {
      const own = events.filter((e) => e.agent === coworker);
      expect(own.some((e) => e.type === "text.delta")).toBe(true);
      expect(own.some((e) => e.type === "agent.step" && e.kind === "answer")).toBe(true);
      expect(own.every((e) => e.task === "brief")).toBe(true);
    }
    const order = events.map((e) => `${e.type}:${e.agent ?? ""}`);
    const call = order.indexOf("tool.call:manager");
    const delegate = order.indexOf("task.delegate:manager");
    const coworkerText = order.indexOf("text.delta:researcher");
    const result = order.indexOf("tool.result:manager");
    expect(call).toBeLessThan(delegate);
    expect(delegate).toBeLessThan(coworkerText);
    expect(coworkerText).toBeLessThan(result);

    const steps = events.filter((e) => e.type === "agent.step");
    expect(
      steps.filter(
        (e) => e.type === "agent.step" && e.kind === "delegate" && e.agent === "manager",
      ),
    ).toHaveLength(2);
    expect(steps.map((e) => (e.type === "agent.step" ? e.step : 0))).toEqual(
      steps.map((_, i) => i + 1),
    );

    const taskEnd = events.find((e) => e.type === "task.end");
    expect(taskEnd).toMatchObject({ agent: "manager", task: "brief" });
    const managerAnswer = events
      .filter((e) => e.type === "text.delta" && e.agent === "manager")
      .map((e) => (e.type === "text.delta" ? e.delta : ""))
      .join("");
    expect(taskEnd?.type === "task.end" && taskEnd.output).toBe(managerAnswer);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("refuses an agent keyed manager in a hierarchical crew", () => {
    expect(
      () =>
        new Crew({
          process: "hierarchical",
          agents: { manager: { role: "R", goal: "G", backstory: "B" } },
          tasks: { t: { description: "D", expectedOutput: "E" } },
        }),
    ).toThrow(/agent "manager"/);
  });
});
