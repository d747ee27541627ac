import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrewError, summarize, type CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from "../testing/index.js";
import { Crew } from "./crew.js";
import type { CrewRunOptions } from "./run-context.js";
import type { CrewConfig, TaskConfig } from "../crew/index.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

const agents = { analyst: { role: "Analyst", goal: "Answer", backstory: "Careful." } };

function crew(tasks: Record<string, TaskConfig>, extra: Partial<CrewConfig> = {}): Crew {
  return new Crew({
    name: "parallel",
    model: resolveModel("compatible/test-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
    agents,
    tasks,
    ...extra,
  });
}

const task = (name: string, extra: Partial<TaskConfig> = {}): TaskConfig => ({
  description: `Do part ${name}.`,
  expectedOutput: "A line",
  agent: "analyst",
  ...extra,
});

/** The user prompt of a request: which task it is for. */
function prompt(request: RecordedRequest): string {
  return JSON.stringify(request.body?.messages ?? []);
}

const fast: CrewRunOptions = { retry: { maxRetries: 0 } };

async function run(c: Crew, options: CrewRunOptions = fast): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of c.stream({}, options)) events.push(event);
  return events;
}

const three = {
  a: task("A", { asyncExecution: true }),
  b: task("B", { asyncExecution: true }),
  c: task("C", { asyncExecution: true }),
  merge: task("merge"),
};

describe("parallel tasks (async_execution)", () => {
  it("starts consecutive async tasks together; the next task waits and gets all their outputs", async () => {
    const delays: Record<string, number> = { A: 80, B: 60, C: 40 };
    fake.script((request) => {
      const text = prompt(request);
      const part = /Do part ([ABC])\./.exec(text)?.[1];
      if (part !== undefined && !text.includes("merge"))
        return {
          text: Array.from({ length: 10 }, (_, i) => `${part}${i} `),
          tokenDelayMs: delays[part] ?? 10,
        };
      return reply.text("Merged.");
    });
    const started = performance.now();
    const events = await run(crew(three));
    const elapsed = performance.now() - started;
    fake.script(() => undefined);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "completed",
      result: "Merged.",
    });
    // The three start before any of them ends, and their text interleaves.
    const order = events.map((e) => `${e.type}:${e.task ?? ""}`);
    const firstEnd = order.findIndex((o) => o.startsWith("task.end"));
    for (const key of ["a", "b", "c"])
      expect(order.indexOf(`task.start:${key}`)).toBeLessThan(firstEnd);
    const deltaTasks = events.filter((e) => e.type === "text.delta").map((e) => e.task);
    const switches = deltaTasks.filter((t, i) => i > 0 && t !== deltaTasks[i - 1]).length;
    expect(switches).toBeGreaterThan(3);
    // seq is gapless.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // The merge task starts after all three ended and gets all three outputs as context.
    expect(order.indexOf("task.start:merge")).toBeGreaterThan(
      Math.max(...["a", "b", "c"].map((k) => order.indexOf(`task.end:${k}`))),
    );
    const mergeRequest = fake.requests.findLast((r) => prompt(r).includes("Do part merge"));
    for (const part of ["A9", "B9", "C9"]) expect(prompt(mergeRequest!)).toContain(part);
    // The summary is right for overlapping tasks: each its own tokens and time, adding up.
    const summary = summarize(events);
    expect(summary.tasks.map((t) => [t.key, t.status])).toEqual([
      ["a", "completed"],
      ["b", "completed"],
      ["c", "completed"],
      ["merge", "completed"],
    ]);
    for (const t of summary.tasks.slice(0, 3)) {
      expect(t.usage.outputTokens).toBeGreaterThanOrEqual(10);
      expect(t.durationMs).toBeGreaterThan(300);
    }
    expect(summary.tasks.reduce((n, t) => n + t.usage.outputTokens, 0)).toBe(
      summary.usage.outputTokens,
    );
    // About the longest (10 x 80 ms), well under the sum (10 x 180 ms).
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(elapsed).toBeLessThan(1_400);
  });

  it("a task naming an async task in context waits for that one", async () => {
    fake.script((request) => {
      const text = prompt(request);
      if (text.includes("Do part A.") && !text.includes("Do part B."))
        return { text: "alpha result", tokenDelayMs: 20 };
      return reply.text("done");
    });
    const events = await run(
      crew({
        a: task("A", { asyncExecution: true }),
        b: task("B", { asyncExecution: true, context: ["a"] }),
        last: task("last"),
      }),
    );
    fake.script(() => undefined);
    expect(events.at(-1)).toMatchObject({ status: "completed" });
    const bRequest = fake.requests.findLast((r) => prompt(r).includes("Do part B."));
    expect(prompt(bRequest!)).toContain("alpha result");
  });

  it("a failing parallel task fails the run and stops its siblings", async () => {
    const before = fake.requests.length;
    fake.script((request) => {
      const text = prompt(request);
      if (text.includes("Do part B.")) return { ...reply.malformed(2), tokenDelayMs: 20 };
      return { text: Array.from({ length: 60 }, () => "slow "), tokenDelayMs: 20 };
    });
    const started = performance.now();
    const events = await run(crew(three));
    fake.script(() => undefined);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(events.at(-1)).toMatchObject({ status: "failed", error: { code: "provider_error" } });
    // Every task at work when the run failed is reported failed, not left running.
    const summary = summarize(events);
    expect(summary.tasks.filter((t) => t.key !== "merge").map((t) => t.status)).toEqual([
      "failed",
      "failed",
      "failed",
    ]);
    expect(summary.tasks.find((t) => t.key === "merge")?.status).toBe("cancelled");
    expect(events.some((e) => e.type === "task.start" && e.task === "merge")).toBe(false);
    const siblings = fake.requests.slice(before).filter((r) => !prompt(r).includes("Do part B."));
    expect(siblings).toHaveLength(2);
    await Promise.all(siblings.map((r) => fake.waitForClose(r)));
    expect(siblings.every((r) => r.closedEarly)).toBe(true);
  });

  it("cancelling the run cancels every parallel task", async () => {
    fake.script(() => ({ text: Array.from({ length: 60 }, () => "slow "), tokenDelayMs: 20 }));
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    for await (const event of crew(three).stream({}, { ...fast, signal: controller.signal })) {
      events.push(event);
      if (events.filter((e) => e.type === "text.delta").length === 6) controller.abort();
    }
    fake.script(() => undefined);
    expect(events.at(-1)).toMatchObject({ status: "cancelled" });
  });

  it("asks for human input in parallel tasks and waits for both answers", async () => {
    fake.script(() => reply.text("draft"));
    const asked: string[] = [];
    const events = await run(
      crew({
        a: task("A", { asyncExecution: true, humanInput: true }),
        b: task("B", { asyncExecution: true, humanInput: true }),
        last: task("last"),
      }),
      {
        ...fast,
        onInputRequest: async (request) => {
          asked.push(request.task);
          // Both questions are open at once before either is answered.
          await new Promise((resolve) => setTimeout(resolve, 20));
          return "";
        },
      },
    );
    fake.script(() => undefined);
    expect(asked.sort()).toEqual(["a", "b"]);
    const requests = events.filter((e) => e.type === "input.request").map((e) => e.seq);
    const responses = events.filter((e) => e.type === "input.response").map((e) => e.seq);
    expect(Math.max(...requests)).toBeLessThan(Math.min(...responses));
    expect(events.at(-1)).toMatchObject({ status: "completed" });
  });

  it("refuses a crew whose last task is async", () => {
    expect(() => crew({ a: task("A"), b: task("B", { asyncExecution: true }) })).toThrow(CrewError);
    expect(() => crew({ a: task("A"), b: task("B", { asyncExecution: true }) })).toThrow(
      /last task cannot be async/,
    );
  });
});

describe("parallel tasks in a hierarchical crew", () => {
  it("the manager works on async tasks at once", async () => {
    fake.script((request) => {
      const text = prompt(request);
      const part = /Do part ([AB])\./.exec(text)?.[1];
      if (part !== undefined && !text.includes("merge"))
        return { text: Array.from({ length: 10 }, (_, i) => `${part}${i} `), tokenDelayMs: 30 };
      return reply.text("Merged.");
    });
    const events = await run(
      crew(
        {
          a: task("A", { asyncExecution: true }),
          b: task("B", { asyncExecution: true }),
          merge: task("merge"),
        },
        { process: "hierarchical" },
      ),
    );
    fake.script(() => undefined);
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Merged." });
    const order = events.map((e) => `${e.type}:${e.task ?? ""}`);
    expect(order.indexOf("task.start:b")).toBeLessThan(order.indexOf("task.end:a"));
    expect(events.find((e) => e.type === "task.start" && e.task === "a")?.agent).toBe("manager");
  });
});
