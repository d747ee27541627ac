import { describe, expect, it } from "vitest";
import { parseEvent, type CrewEvent } from "../events/index.js";
import { Crew } from "./crew.js";
import type { CrewListener } from "../crew/index.js";

function researchCrew(): Crew {
  return new Crew({
    name: "research",
    model: "offline",
    agents: {
      researcher: {
        role: "Senior {topic} Researcher",
        goal: "Find facts about {topic}",
        backstory: "Curious.",
      },
      writer: { role: "Writer", goal: "Write about {topic}", backstory: "Clear." },
    },
    tasks: {
      research: {
        description: "Research {topic}.",
        expectedOutput: "Five bullet points",
        agent: "researcher",
      },
      report: {
        description: "Write a report on {topic}.",
        expectedOutput: "A short report",
        agent: "writer",
      },
    },
  });
}

async function collect(stream: AsyncIterable<CrewEvent>): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("Crew.stream, sequential", () => {
  it("streams valid events in order with a gapless seq and exactly one run.end", async () => {
    const events = await collect(researchCrew().stream({ topic: "batteries" }, { runId: "run-1" }));
    expect(events.every((e) => parseEvent(e).ok && e.runId === "run-1")).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({
      type: "run.start",
      crew: "research",
      process: "sequential",
      inputs: { topic: "batteries" },
      agents: [
        { key: "researcher", role: "Senior batteries Researcher" },
        { key: "writer", role: "Writer" },
      ],
      tasks: [
        { key: "research", agent: "researcher" },
        { key: "report", agent: "writer" },
      ],
    });
    expect(events.filter((e) => e.type === "run.end")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("puts agent and task on every event inside a task, and tasks run in order", async () => {
    const events = await collect(researchCrew().stream({ topic: "batteries" }));
    const inner = events.filter((e) => e.type !== "run.start" && e.type !== "run.end");
    expect(inner.length).toBeGreaterThan(4);
    expect(inner.every((e) => e.agent !== undefined && e.task !== undefined)).toBe(true);
    const starts = events.filter((e) => e.type === "task.start");
    expect(starts).toMatchObject([
      {
        task: "research",
        agent: "researcher",
        index: 0,
        total: 2,
        description: "Research batteries.",
      },
      {
        task: "report",
        agent: "writer",
        index: 1,
        total: 2,
        description: "Write a report on batteries.",
      },
    ]);
    const researchText = inner.filter((e) => e.task === "research" && e.type === "text.delta");
    const researchEnd = inner.find((e) => e.task === "research" && e.type === "task.end");
    expect(researchText.length).toBeGreaterThan(0);
    expect(researchEnd?.type === "task.end" && researchEnd.output).toBe(
      researchText.map((e) => (e.type === "text.delta" ? e.delta : "")).join(""),
    );
    const steps = inner.filter((e) => e.type === "agent.step");
    expect(steps.map((e) => e.type === "agent.step" && e.kind)).toContain("answer");
    const end = events.at(-1);
    const lastTask = events.filter((e) => e.type === "task.end").at(-1);
    expect(end?.type === "run.end" && end.result).toBe(
      lastTask?.type === "task.end" && lastTask.output,
    );
  });

  it("sums task usage into run.end usage", async () => {
    const events = await collect(researchCrew().stream({ topic: "solar" }));
    const ends = events.filter((e) => e.type === "task.end");
    const total = ends.reduce(
      (sum, e) => sum + (e.type === "task.end" ? e.usage.outputTokens : 0),
      0,
    );
    const end = events.at(-1);
    expect(total).toBeGreaterThan(0);
    expect(end?.type === "run.end" && end.usage.outputTokens).toBe(total);
  });

  it("reports each model step's usage on its agent.step, adding up to the task's usage", async () => {
    const events = await collect(researchCrew().stream({ topic: "solar" }));
    for (const end of events) {
      if (end.type !== "task.end") continue;
      const steps = events.filter((e) => e.type === "agent.step" && e.task === end.task);
      const sum = steps.reduce(
        (u, e) =>
          e.type === "agent.step" && e.usage !== undefined
            ? {
                inputTokens: u.inputTokens + e.usage.inputTokens,
                outputTokens: u.outputTokens + e.usage.outputTokens,
              }
            : u,
        { inputTokens: 0, outputTokens: 0 },
      );
      expect(steps.every((e) => e.type === "agent.step" && e.usage !== undefined)).toBe(true);
      expect(sum).toEqual(end.usage);
      expect(end.estimated).toBeUndefined();
    }
    expect(events.at(-1)).not.toHaveProperty("estimated");
  });

  it("fails a run with a missing input after run.start, with missing_input naming it", async () => {
    const crew = researchCrew();
    expect(() => crew.validateInputs({})).toThrow(/topic/);
    const events = await collect(crew.stream({}));
    expect(events.map((e) => e.type)).toEqual(["run.start", "run.end"]);
    expect(events[1]).toMatchObject({ status: "failed", error: { code: "missing_input" } });
    expect(events[1]?.type === "run.end" && events[1].error?.message).toMatch(/topic/);
  });

  it("rejects inputs that are not flat with bad_request", () => {
    expect(() => researchCrew().validateInputs({ topic: { nested: true } })).toThrow(
      expect.objectContaining({ code: "bad_request" }),
    );
  });
});

describe("Crew.kickoff", () => {
  it("calls a listener object per event type and resolves with the result", async () => {
    const seen: string[] = [];
    const listener: CrewListener = {
      onRunStart: (e) => void seen.push(`start:${e.crew}`),
      onTaskStart: (e) => void seen.push(`task:${e.task ?? ""}`),
      onTaskEnd: (e) => void seen.push(`end:${e.task ?? ""}`),
      onRunEnd: (e) => void seen.push(`run:${e.status}`),
    };
    const result = await researchCrew().kickoff({ topic: "wind" }, { onEvent: listener });
    expect(seen).toEqual([
      "start:research",
      "task:research",
      "end:research",
      "task:report",
      "end:report",
      "run:completed",
    ]);
    expect(result.status).toBe("completed");
    expect(result.result).toContain("wind");
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it("calls a function with every event, and returns the events when asked", async () => {
    const types: string[] = [];
    const result = await researchCrew().kickoff(
      { topic: "tides" },
      { onEvent: async (e) => void types.push(e.type), collectEvents: true },
    );
    expect(types).toEqual(result.events?.map((e) => e.type));
    expect(types.at(-1)).toBe("run.end");
  });

  it("rejects with the listener's error and ends the run", async () => {
    const failing = researchCrew().kickoff(
      { topic: "x" },
      {
        onEvent: {
          onTaskStart: () => {
            throw new Error("listener broke");
          },
        },
      },
    );
    await expect(failing).rejects.toThrow("listener broke");
  });
});

describe("Crew definition", () => {
  it("answers info() with agents, tasks and required inputs", () => {
    expect(researchCrew().info()).toEqual({
      name: "research",
      process: "sequential",
      agents: [
        { key: "researcher", role: "Senior {topic} Researcher" },
        { key: "writer", role: "Writer" },
      ],
      tasks: [
        { key: "research", agent: "researcher" },
        { key: "report", agent: "writer" },
      ],
      inputs: ["topic"],
    });
  });

  it("fills CrewAI defaults", () => {
    const agent = researchCrew().definition.agents[0];
    expect(agent).toMatchObject({ tools: [], allowDelegation: false, maxIter: 20 });
  });

  it("names the agent or task key in validation errors", () => {
    const agents = { a: { role: "R", goal: "G", backstory: "B" } };
    expect(
      () =>
        new Crew({
          agents,
          tasks: { t: { description: "D", expectedOutput: "E", agent: "nobody" } },
        }),
    ).toThrow(/task "t": agent "nobody"/);
    expect(
      () => new Crew({ agents: { a: { role: "", goal: "G", backstory: "B" } }, tasks: [] }),
    ).toThrow(/agent "a": role/);
    expect(
      () =>
        new Crew({
          agents: {
            a: { role: "R", goal: "G", backstory: "B", injectDate: true, dateFormat: "%Q" },
          },
          tasks: [],
        }),
    ).toThrow(/agent "a": dateFormat: %Q is not a supported directive/);
    // Read only with injectDate, as CrewAI reads it.
    expect(
      () =>
        new Crew({
          agents: { a: { role: "R", goal: "G", backstory: "B", dateFormat: "%Q" } },
          tasks: { t: { description: "D", expectedOutput: "E", agent: "a" } },
        }),
    ).not.toThrow();
    expect(
      () =>
        new Crew({
          agents,
          tasks: { t: { description: "D", expectedOutput: "E", agent: "a", context: ["later"] } },
        }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_crew",
        message: expect.stringMatching(/task "t": context "later"/),
      }),
    );
  });

  it("fails a run whose agent names an unknown tool with invalid_crew", async () => {
    const crew = new Crew({
      agents: { a: { role: "R", goal: "G", backstory: "B", tools: ["stock_ticker"] } },
      tasks: { t: { description: "D", expectedOutput: "E", agent: "a" } },
    });
    const events = await collect(crew.stream());
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "failed",
      error: { code: "invalid_crew" },
    });
    expect(events.at(-1)?.type === "run.end" && events.at(-1)).toMatchObject({
      error: { message: expect.stringMatching(/agent "a" uses unknown tool "stock_ticker"/) },
    });
  });
});
