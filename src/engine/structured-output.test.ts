import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { CrewEvent } from "../events/index.js";
import { createOfflineModel } from "../offline/index.js";
import { Crew } from "./crew.js";
import { loadCrew, type TaskConfig, type TaskOutput } from "../crew/index.js";

const reportSchema = {
  type: "object",
  properties: {
    title: { type: "string" },
    findings: {
      type: "array",
      minItems: 2,
      maxItems: 4,
      items: {
        type: "object",
        properties: {
          claim: { type: "string" },
          confidence: { type: "number", minimum: 0, maximum: 1 },
          source: { type: "string", format: "uri" },
        },
        required: ["claim", "confidence", "source"],
      },
    },
    year: { type: "integer", minimum: 2000, maximum: 2030 },
    status: { enum: ["draft", "final"] },
  },
  required: ["title", "findings", "year", "status"],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "crewstream-structured-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function crewWith(tasks: Record<string, TaskConfig>, tokenMs = 0): Crew {
  return new Crew({
    name: "structured",
    model: createOfflineModel({ tokenMs }),
    agents: {
      researcher: { role: "Researcher", goal: "Research {topic}", backstory: "Careful." },
      writer: { role: "Writer", goal: "Write about {topic}", backstory: "Clear." },
    },
    tasks,
  });
}

async function collect(crew: Crew): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of crew.stream({ topic: "honey bees" }, { outputDir: dir }))
    events.push(event);
  return events;
}

describe("structured outputs with the offline model", () => {
  it("streams partial objects, validates, and carries the object on task.end and to the next task", async () => {
    const seen: TaskOutput[] = [];
    const events = await collect(
      crewWith({
        research: {
          description: "Research {topic}.",
          expectedOutput: "Findings as JSON.",
          agent: "researcher",
          outputSchema: reportSchema,
          outputFile: "out/report.json",
          callback: (output) => {
            seen.push(output);
          },
        },
        write: {
          description: "Write a note about {topic}.",
          expectedOutput: "A short note.",
          agent: "writer",
          markdown: true,
        },
      }),
    );
    const end = events.find((e) => e.type === "task.end" && e.task === "research");
    if (end?.type !== "task.end") throw new Error("no task.end");
    const object = end.object as { findings: unknown[]; year: number; status: string };
    expect(object.findings.length).toBeGreaterThanOrEqual(2);
    expect(object.year).toBeGreaterThanOrEqual(2000);
    expect(["draft", "final"]).toContain(object.status);
    expect(JSON.parse(end.output)).toEqual(object);
    expect(end.file).toBe("out/report.json");
    expect(JSON.parse(await readFile(join(dir, "out/report.json"), "utf8"))).toEqual(object);
    expect(seen).toEqual([
      expect.objectContaining({ task: "research", object, file: "out/report.json" }),
    ]);

    const partials = events.filter((e) => e.type === "object.delta");
    expect(partials.length).toBeGreaterThanOrEqual(1);
    expect(partials.every((e) => e.task === "research" && e.agent === "researcher")).toBe(true);
    // The first partial comes with the first text token, not after the whole answer.
    const firstDelta = events.findIndex((e) => e.type === "text.delta" && e.task === "research");
    const firstPartial = events.findIndex((e) => e.type === "object.delta");
    const deltasBefore = events
      .slice(firstDelta, firstPartial)
      .filter((e) => e.type === "text.delta").length;
    expect(deltasBefore).toBeLessThanOrEqual(2);
    // The next task's prompt had the JSON as context: the run completes with the writer's text.
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    expect(events.some((e) => e.type === "guardrail.check")).toBe(false);
  });

  it("throttles partial objects to one per 50 ms per task", async () => {
    const events = await collect(
      crewWith(
        {
          research: {
            description: "Research {topic}.",
            expectedOutput: "Findings as JSON.",
            agent: "researcher",
            outputSchema: reportSchema,
          },
        },
        2,
      ),
    );
    const times = events.filter((e) => e.type === "object.delta").map((e) => Date.parse(e.ts));
    const tokens = events.filter((e) => e.type === "text.delta").length;
    expect(times.length).toBeGreaterThan(1);
    expect(times.length).toBeLessThan(tokens / 5);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(45);
  });

  it("accepts a zod schema in code and hands the callback the parsed value", async () => {
    const schema = z.object({ headline: z.string(), points: z.array(z.string()).min(1) });
    let received: unknown;
    const events = await collect(
      crewWith({
        summary: {
          description: "Summarise {topic}.",
          expectedOutput: "A headline and points.",
          agent: "writer",
          outputSchema: schema,
          callback: ({ object }) => {
            received = object;
          },
        },
      }),
    );
    const end = events.find((e) => e.type === "task.end");
    expect(schema.parse(received)).toEqual(end?.type === "task.end" ? end.object : undefined);
  });
});

describe("guardrails", () => {
  it("re-runs a task with a function guardrail's feedback until it passes", async () => {
    const attempts: string[] = [];
    const events = await collect(
      crewWith({
        write: {
          description: "Write about {topic}.",
          expectedOutput: "A note.",
          agent: "writer",
          guardrail: async ({ output }) => {
            attempts.push(output);
            return attempts.length < 3
              ? { ok: false, feedback: `Too vague (try ${attempts.length})` }
              : { ok: true };
          },
        },
      }),
    );
    const checks = events.filter((e) => e.type === "guardrail.check");
    expect(checks.map((e) => e.type === "guardrail.check" && [e.attempt, e.ok])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(checks[0]).toMatchObject({ feedback: "Too vague (try 1)", task: "write" });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("fails with guardrail_failed and the last feedback when retries run out", async () => {
    const events = await collect(
      crewWith({
        write: {
          description: "Write about {topic}.",
          expectedOutput: "A note.",
          agent: "writer",
          guardrail: () => ({ ok: false, feedback: "Never good enough" }),
          guardrailMaxRetries: 1,
        },
      }),
    );
    expect(events.filter((e) => e.type === "guardrail.check")).toHaveLength(2);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: "run.end", status: "failed" });
    expect(end?.type === "run.end" && end.error).toMatchObject({
      code: "guardrail_failed",
      message: expect.stringContaining("Never good enough") as string,
    });
  });

  it("checks a sentence guardrail with the model: the offline model sends the first draft back once", async () => {
    const events = await collect(
      crewWith({
        write: {
          description: "Write about {topic}.",
          expectedOutput: "A note.",
          agent: "writer",
          guardrail: "The note names at least one concrete example.",
        },
      }),
    );
    const checks = events.filter((e) => e.type === "guardrail.check");
    expect(checks.map((e) => e.type === "guardrail.check" && e.ok)).toEqual([false, true]);
    expect(checks[0]).toMatchObject({
      feedback: expect.stringContaining("concrete example") as string,
    });
    const starts = events.filter((e) => e.type === "agent.step" && e.task === "write");
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });
});

describe("output files", () => {
  it("refuses a path outside the output folder", () => {
    expect(() =>
      crewWith({
        write: {
          description: "Write.",
          expectedOutput: "A note.",
          agent: "writer",
          outputFile: "../escape.md",
        },
      }),
    ).toThrow(/outputFile must not leave the output folder/);
    expect(() =>
      crewWith({
        write: {
          description: "Write.",
          expectedOutput: "A note.",
          agent: "writer",
          outputFile: "/tmp/x.md",
        },
      }),
    ).toThrow(/absolute/);
  });
});

describe("warnings of a loaded crew", () => {
  it("are carried by run.start with file, line and key", async () => {
    const loaded = await loadCrew(
      join(import.meta.dirname, "..", "crew", "fixtures", "good-crews", "crewai-extras"),
    );
    const crew = new Crew(loaded, { model: createOfflineModel({ tokenMs: 0 }) });
    const stream = crew.stream({}, { outputDir: dir });
    const start = (await stream.next()).value;
    await stream.return(undefined);
    if (start?.type !== "run.start") throw new Error("no run.start");
    expect(start.warnings).toContainEqual({
      file: "agents.yaml",
      line: 5,
      key: "researcher.memory",
      message: expect.stringContaining("ignored") as string,
    });
  });
});

describe("a hierarchical crew", () => {
  it("gives the manager's final answer the task's shape", async () => {
    const crew = new Crew({
      name: "managed",
      process: "hierarchical",
      model: createOfflineModel({ tokenMs: 0 }),
      agents: {
        researcher: { role: "Researcher", goal: "Research {topic}", backstory: "Careful." },
      },
      tasks: {
        brief: {
          description: "Research {topic} and brief me.",
          expectedOutput: "A brief as JSON.",
          outputSchema: reportSchema,
        },
      },
    });
    const events: CrewEvent[] = [];
    for await (const event of crew.stream({ topic: "honey bees" }, { outputDir: dir }))
      events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const end = events.find((e) => e.type === "task.end");
    expect(end).toMatchObject({
      agent: "manager",
      object: { status: expect.any(String) as string },
    });
    // Coworkers answer in text: only the manager's answer is shaped.
    expect(
      events.filter((e) => e.type === "object.delta").every((e) => e.agent === "manager"),
    ).toBe(true);
  });
});
