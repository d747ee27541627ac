import { describe, expect, it } from "vitest";
import type { TaskOutput } from "../crew/index.js";
import { resolveModel } from "../llm/index.js";
import { Crew, type CrewOptions } from "./crew.js";

function crew(options: CrewOptions = {}, callback?: (output: TaskOutput) => void): Crew {
  return new Crew(
    {
      name: "hooks",
      agents: {
        writer: { role: "{topic} Writer", goal: "Write about {topic}", backstory: "Writes." },
      },
      tasks: {
        note: {
          description: "Write a note on {topic}.",
          expectedOutput: "A short note",
          agent: "writer",
          ...(callback === undefined ? {} : { callback }),
        },
      },
    },
    { model: resolveModel("offline"), ...options },
  );
}

describe("kickoff hooks, task callbacks and kickoffForEach", () => {
  it("beforeKickoff changes the inputs and afterKickoff the result", async () => {
    const seen: unknown[] = [];
    const result = await crew({
      beforeKickoff: (inputs) => {
        seen.push(inputs);
        return { ...inputs, topic: "kelp" };
      },
      afterKickoff: (ended) => ({ ...ended, result: `${ended.result ?? ""}\n-- reviewed` }),
    }).kickoff({ topic: "owls" }, { collectEvents: true });
    expect(seen).toEqual([{ topic: "owls" }]);
    expect(result.status).toBe("completed");
    expect(result.events?.[0]).toMatchObject({ type: "run.start", inputs: { topic: "kelp" } });
    expect(result.result?.endsWith("\n-- reviewed")).toBe(true);
  });

  it("calls a task's callback with its output after task.end", async () => {
    const outputs: TaskOutput[] = [];
    const result = await crew({}, (output) => void outputs.push(output)).kickoff({ topic: "owls" });
    expect(outputs).toEqual([
      {
        task: "note",
        agent: "writer",
        description: "Write a note on owls.",
        output: result.result,
      },
    ]);
  });

  it("a throwing callback fails the run", async () => {
    const result = await crew({}, () => {
      throw new Error("callback broke");
    }).kickoff({ topic: "owls" });
    expect(result.status).toBe("failed");
  });

  it("kickoffForEach runs each inputs item, in order, sharing a batch id, at most `concurrency` at once", async () => {
    let running = 0;
    let most = 0;
    const c = crew({
      beforeKickoff: async (inputs) => {
        running += 1;
        most = Math.max(most, running);
        return inputs;
      },
      afterKickoff: (ended) => {
        running -= 1;
        return ended;
      },
    });
    const topics = ["kelp", "owls", "tides", "moss", "salt"];
    const results = await c.kickoffForEach(
      topics.map((topic) => ({ topic })),
      { concurrency: 2, collectEvents: true },
    );
    expect(results.map((r) => r.status)).toEqual(topics.map(() => "completed"));
    const starts = results.map((r) => r.events?.[0]);
    expect(starts.map((s) => (s?.type === "run.start" ? s.inputs["topic"] : ""))).toEqual(topics);
    const batchIds = new Set(starts.map((s) => (s?.type === "run.start" ? s.batchId : "")));
    expect(batchIds.size).toBe(1);
    expect([...batchIds][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(results.map((r) => r.runId)).size).toBe(5);
    expect(most).toBe(2);
  });
});
