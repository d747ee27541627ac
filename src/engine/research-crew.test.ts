import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Crew } from "./crew.js";
import { loadCrew } from "../crew/load-crew.js";

const example = resolve(import.meta.dirname, "..", "..", "examples", "research-crew");

describe("examples/research-crew", () => {
  it("runs its three tasks in order on the offline model, about the default topic", async () => {
    const crew = new Crew(await loadCrew(example));
    expect(crew.info().inputs).toEqual([]);
    const result = await crew.kickoff({}, { model: "offline", collectEvents: true });
    expect(result.status).toBe("completed");
    const events = result.events ?? [];
    const start = events.find((event) => event.type === "run.start");
    expect(start).toMatchObject({
      crew: "research-crew",
      inputs: { topic: "AI agents in production" },
    });
    const taskStarts = events.filter((event) => event.type === "task.start");
    expect(taskStarts.map((event) => [event.task, event.agent])).toEqual([
      ["research_task", "researcher"],
      ["writing_task", "writer"],
      ["review_task", "reviewer"],
    ]);
    expect(taskStarts[0]?.type === "task.start" && taskStarts[0].description).toContain(
      "Research AI agents in production.",
    );
  });

  it("takes the topic from the run's inputs over the default", async () => {
    const crew = new Crew(await loadCrew(example));
    const result = await crew.kickoff(
      { topic: "tide pools" },
      { model: "offline", collectEvents: true },
    );
    const first = (result.events ?? []).find((event) => event.type === "task.start");
    expect(first?.type === "task.start" && first.description).toContain("Research tide pools.");
  });
});
