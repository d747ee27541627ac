import { tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { CrewEvent } from "../events/index.js";
import { RateLimiter, resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { formatDate } from "../util/index.js";
import { Crew } from "./crew.js";
import type { CrewRunOptions } from "./run-context.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

function crew(tools: string[] = []): Crew {
  return new Crew({
    name: "wire",
    model: resolveModel("compatible/test-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
    agents: { analyst: { role: "Analyst", goal: "Answer", backstory: "Careful.", tools } },
    tasks: {
      answer: { description: "Answer the question.", expectedOutput: "One line", agent: "analyst" },
    },
    tools: {
      lookup_fact: tool({
        description: "Look up a fact",
        inputSchema: z.object({ query: z.string() }),
        execute: async ({ query }) => `Fact about ${query}: owls see in the dark.`,
      }),
    },
  });
}

const fastRetry: CrewRunOptions = { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } };

async function run(c: Crew, options: CrewRunOptions = fastRetry): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of c.stream({}, options)) events.push(event);
  return events;
}

function text(events: CrewEvent[]): string {
  return events.map((e) => (e.type === "text.delta" ? e.delta : "")).join("");
}

describe("engine against an OpenAI-compatible server", () => {
  it("streams the server's tokens as text.delta and ends with its text as the result", async () => {
    fake.script(reply.text(["Owls ", "hunt ", "at night."]));
    const events = await run(crew());
    expect(
      events
        .filter((e) => e.type === "text.delta")
        .map((e) => (e.type === "text.delta" ? e.delta : "")),
    ).toEqual(["Owls ", "hunt ", "at night."]);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "completed",
      result: "Owls hunt at night.",
    });
    const end = events.find((e) => e.type === "task.end");
    expect(end?.type === "task.end" && end.usage.outputTokens).toBeGreaterThan(0);
  });

  it("runs a user tool the model calls and sends its result back", async () => {
    fake.script([
      reply.toolCall("lookup_fact", { query: "owls" }, "call-1"),
      reply.text("Owls see in the dark."),
    ]);
    const before = fake.requests.length;
    const events = await run(crew(["lookup_fact"]));
    expect(events.find((e) => e.type === "tool.call")).toMatchObject({
      callId: "call-1",
      tool: "lookup_fact",
      args: { query: "owls" },
    });
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({
      callId: "call-1",
      result: "Fact about owls: owls see in the dark.",
    });
    const second = fake.requests[before + 1];
    expect(
      second?.body?.messages.some((m) => m.role === "tool" && m.tool_call_id === "call-1"),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Owls see in the dark." });
  });

  it("reports a call of an unknown tool as a failed tool.result and goes on", async () => {
    fake.script([
      reply.toolCall("web_search", { q: "owls" }, "call-x"),
      reply.text("Answered without it."),
    ]);
    const events = await run(crew(["lookup_fact"]));
    expect(events.find((e) => e.type === "tool.call")).toMatchObject({
      callId: "call-x",
      tool: "web_search",
    });
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({
      callId: "call-x",
      error: { code: "tool_error" },
    });
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Answered without it." });
  });

  it("reports a tool call from a model offered no tools as failed and asks again for the answer", async () => {
    fake.script([
      reply.toolCall("web_search", { q: "owls" }, "call-y"),
      reply.text("Answered without it."),
    ]);
    const sent = fake.requests.length;
    const events = await run(crew());
    expect(fake.requests[sent]?.body?.tools).toBeUndefined();
    expect(events.find((e) => e.type === "tool.call")).toMatchObject({
      callId: "call-y",
      tool: "web_search",
      args: { q: "owls" },
    });
    expect(events.find((e) => e.type === "tool.result")).toMatchObject({
      callId: "call-y",
      error: { code: "tool_error", message: expect.stringContaining("web_search") },
    });
    expect(events.find((e) => e.type === "agent.step")).toMatchObject({
      kind: "tool",
      text: "Using tool: web_search",
    });
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Answered without it." });
  });

  it("retries a 429 after Retry-After, reporting llm.retry, then succeeds", async () => {
    fake.script([reply.rateLimited(0, 30), reply.text("Fine now.")]);
    const events = await run(crew());
    const retry = events.find((e) => e.type === "llm.retry");
    expect(retry).toMatchObject({
      agent: "analyst",
      task: "answer",
      attempt: 1,
      delayMs: 30,
      reason: "rate limited (429)",
    });
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Fine now." });
  });

  it("holds requests back to an agent's max_rpm and reports the wait as llm.retry", async () => {
    const limited = new Crew({
      name: "limited",
      model: resolveModel("compatible/test-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
      agents: { analyst: { role: "Analyst", goal: "Answer", backstory: "Careful.", maxRpm: 1 } },
      tasks: {
        first: { description: "First question.", expectedOutput: "One line", agent: "analyst" },
        second: { description: "Second question.", expectedOutput: "One line", agent: "analyst" },
      },
    });
    fake.script([reply.text("One."), reply.text("Two.")]);
    // A clock that moves only when the limiter waits: the second request must wait a window.
    let now = 0;
    const rateLimiter = new RateLimiter({ now: () => now, sleep: async (ms) => void (now += ms) });
    const events = await run(limited, { rateLimiter });
    const waits = events.filter((e) => e.type === "llm.retry");
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toMatchObject({
      agent: "analyst",
      task: "second",
      reason: "max_rpm 1 reached",
      delayMs: 60_000,
    });
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Two." });
  });

  it("fails with provider_error after every retry of a 500", async () => {
    fake.script([reply.serverError(), reply.serverError(), reply.serverError()]);
    const events = await run(crew());
    expect(
      events.filter((e) => e.type === "llm.retry").map((e) => e.type === "llm.retry" && e.attempt),
    ).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "failed",
      error: { code: "provider_error" },
    });
    expect(events.filter((e) => e.type === "run.end")).toHaveLength(1);
  });

  it("tells an agent with injectDate the current date after the task (CrewAI's inject_date)", async () => {
    const dated = (injectDate: boolean) =>
      new Crew({
        name: "dated",
        model: resolveModel("compatible/test-model", {
          env: { CREWSTREAM_BASE_URL: fake.baseURL },
        }),
        agents: {
          analyst: {
            role: "Analyst",
            goal: "Answer",
            backstory: "Careful.",
            injectDate,
            dateFormat: "%B %d, %Y",
          },
        },
        tasks: {
          answer: { description: "Answer.", expectedOutput: "One line", agent: "analyst" },
        },
      });
    const prompt = async (crew: Crew): Promise<string> => {
      fake.script(reply.text("Done."));
      const before = fake.requests.length;
      await run(crew);
      const messages = fake.requests[before]?.body?.messages ?? [];
      return JSON.stringify(messages.filter((m) => m.role === "user").at(-1)?.content);
    };
    const day = () => formatDate(new Date(), "%B %d, %Y");
    const [from, text, to] = [day(), await prompt(dated(true)), day()];
    expect([from, to].some((date) => text.includes(`Answer.\\n\\nCurrent Date: ${date}`))).toBe(
      true,
    );
    expect(await prompt(dated(false))).not.toContain("Current Date");
  });

  it("fails with provider_auth at once on a 401", async () => {
    fake.script(reply.unauthorized());
    const events = await run(crew());
    expect(events.some((e) => e.type === "llm.retry")).toBe(false);
    expect(events.at(-1)).toMatchObject({ status: "failed", error: { code: "provider_auth" } });
  });

  it("fails clearly on a malformed chunk after partial output, without retrying", async () => {
    const before = fake.requests.length;
    fake.script(reply.malformed(2));
    const events = await run(crew());
    expect(text(events).length).toBeGreaterThan(0);
    expect(fake.requests.length - before).toBe(1);
    expect(events.at(-1)).toMatchObject({
      status: "failed",
      error: { code: "provider_error", message: expect.stringMatching(/malformed/) },
    });
  });

  it("fails clearly when the connection drops mid-stream", async () => {
    fake.script(reply.drop(2));
    const events = await run(crew());
    expect(events.at(-1)).toMatchObject({ status: "failed", error: { code: "provider_error" } });
    expect(events.some((e) => e.type === "task.end")).toBe(false);
  });

  it("closes the model request early when the run is aborted mid-stream", async () => {
    fake.script(
      reply.text(
        Array.from({ length: 200 }, (_, i) => `t${i} `),
        { tokenDelayMs: 20 },
      ),
    );
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    const arrived = fake.waitForRequest();
    for await (const event of crew().stream({}, { signal: controller.signal })) {
      events.push(event);
      if (event.type === "text.delta" && text(events).split(" ").length > 3) controller.abort();
    }
    const request = await fake.waitForClose(await arrived);
    expect(request.closedEarly).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect(events.filter((e) => e.type === "run.end")).toHaveLength(1);
  });

  it("closes the model request early when the consumer stops reading", async () => {
    fake.script(
      reply.text(
        Array.from({ length: 200 }, (_, i) => `t${i} `),
        { tokenDelayMs: 20 },
      ),
    );
    const arrived = fake.waitForRequest();
    const stream = crew().stream({});
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === "text.delta" && ++deltas === 3) break;
    }
    const request = await fake.waitForClose(await arrived);
    expect(request.closedEarly).toBe(true);
  });
});
