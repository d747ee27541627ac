import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";
import type { CrewRunOptions } from "./run-context.js";
import type { AgentConfig } from "../crew/index.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

function crew(agent: Partial<AgentConfig> = {}): Crew {
  return new Crew({
    name: "limits",
    model: resolveModel("compatible/test-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
    agents: { analyst: { role: "Analyst", goal: "Answer", backstory: "Careful.", ...agent } },
    tasks: {
      answer: { description: "Answer the question.", expectedOutput: "One line", agent: "analyst" },
    },
  });
}

const fast: CrewRunOptions = {
  retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 },
  modelTimeouts: { idleMs: 150, totalMs: 5_000 },
};

async function run(c: Crew, options: CrewRunOptions = fast): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of c.stream({}, options)) events.push(event);
  return events;
}

function end(events: CrewEvent[]): Extract<CrewEvent, { type: "run.end" }> {
  const last = events.at(-1);
  if (last?.type !== "run.end") throw new Error("no run.end");
  return last;
}

describe("time limits", () => {
  it("aborts a model call to a server that accepts and never answers, retries it, then fails with timeout", async () => {
    const before = fake.requests.length;
    fake.script([reply.silent(), reply.silent()]);
    const started = performance.now();
    const events = await run(crew());
    expect(performance.now() - started).toBeLessThan(3_000);
    const retries = events.filter((e) => e.type === "llm.retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ agent: "analyst", task: "answer" });
    expect(end(events)).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(end(events).error?.message).toMatch(/idle timeout/);
    const sent = fake.requests.slice(before);
    expect(sent).toHaveLength(2);
    // Every hung request was ended by the client.
    await Promise.all(sent.map((r) => fake.waitForClose(r)));
    expect(sent.every((r) => r.closedEarly)).toBe(true);
  });

  it("a retry after a silent attempt can succeed", async () => {
    fake.script([reply.silent(), reply.text("Owls hunt at night.")]);
    const events = await run(crew());
    expect(events.filter((e) => e.type === "llm.retry")).toHaveLength(1);
    expect(end(events)).toMatchObject({ status: "completed", result: "Owls hunt at night." });
  });

  it("a stream that goes silent after content fails with timeout and is not repeated", async () => {
    const before = fake.requests.length;
    fake.script([reply.hang(2)]);
    const events = await run(crew());
    expect(end(events)).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(events.filter((e) => e.type === "text.delta")).toHaveLength(2);
    expect(fake.requests.length - before).toBe(1);
  });

  it("bounds a whole model call that keeps streaming", async () => {
    fake.script([{ text: Array.from({ length: 40 }, () => "tick "), tokenDelayMs: 20 }]);
    const events = await run(crew(), {
      ...fast,
      retry: { maxRetries: 0 },
      modelTimeouts: { idleMs: 1_000, totalMs: 250 },
    });
    expect(end(events)).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(end(events).error?.message).toMatch(/model call timeout/);
  });

  it("fails the run with timeout once timeoutMs passes", async () => {
    fake.script([{ text: Array.from({ length: 50 }, () => "slow "), tokenDelayMs: 20 }]);
    const started = performance.now();
    const events = await run(crew(), { ...fast, modelTimeouts: {}, timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(900);
    expect(end(events)).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(end(events).error?.message).toMatch(/run timeout/);
  });

  it("fails the task with timeout after the agent's max_execution_time", async () => {
    fake.script([{ text: Array.from({ length: 50 }, () => "slow "), tokenDelayMs: 20 }]);
    const events = await run(crew({ maxExecutionTime: 0.2 }), { ...fast, modelTimeouts: {} });
    expect(end(events)).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(end(events).error?.message).toMatch(/"analyst"'s max_execution_time of 0.2 s/);
    expect(events.some((e) => e.type === "task.end")).toBe(false);
  });

  it("fails with timeout naming max_iter when the agent never answers", async () => {
    // Tool calls while tools are allowed, then an empty answer when asked for a final one.
    fake.script((request) =>
      JSON.stringify(request.body?.messages.at(-1)).includes("final answer now")
        ? { text: [] }
        : reply.toolCall("missing_tool", {}),
    );
    const events = await run(crew({ maxIter: 2 }));
    fake.script(() => undefined);
    expect(end(events)).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(end(events).error?.message).toMatch(/max_iter 2/);
  });
});

describe("crew max_rpm", () => {
  it("holds the crew's model requests to its max_rpm, reported as llm.retry", async () => {
    const limited = new Crew({
      name: "rpm-crew",
      maxRpm: 1,
      model: resolveModel("compatible/test-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
      agents: {
        first: { role: "First", goal: "Answer", backstory: "Quick." },
        second: { role: "Second", goal: "Answer", backstory: "Quick." },
      },
      tasks: {
        one: { description: "One.", expectedOutput: "A line", agent: "first" },
        two: { description: "Two.", expectedOutput: "A line", agent: "second" },
      },
    });
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    for await (const event of limited.stream({}, { ...fast, signal: controller.signal })) {
      events.push(event);
      if (event.type === "llm.retry") controller.abort();
    }
    // The second agent's first request waits: the limit is the crew's, not each agent's.
    expect(events.find((e) => e.type === "llm.retry")).toMatchObject({
      agent: "second",
      task: "two",
      reason: "max_rpm 1 reached",
    });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
  });
});
