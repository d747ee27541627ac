import { tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";
import type { TaskConfig } from "../crew/index.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const schema = {
  type: "object",
  properties: {
    title: { type: "string" },
    points: { type: "array", items: { type: "string" }, minItems: 1 },
  },
  required: ["title", "points"],
  additionalProperties: false,
};

function crew(task: Partial<TaskConfig>): Crew {
  return new Crew({
    name: "wire",
    model: resolveModel("openai/gpt-4o-mini", {
      env: { OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.baseURL },
    }),
    agents: { analyst: { role: "Analyst", goal: "Answer", backstory: "Careful." } },
    tasks: {
      answer: {
        description: "Summarise owls.",
        expectedOutput: "A title and points",
        agent: "analyst",
        ...task,
      },
      follow: { description: "Use the summary.", expectedOutput: "One line", agent: "analyst" },
    },
  });
}

async function run(c: Crew): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of c.stream({}, { retry: { maxRetries: 0 } })) events.push(event);
  return events;
}

function lastUserText(index: number): string {
  const messages = fake.requests[index]?.body?.messages ?? [];
  const content = messages.filter((m) => m.role === "user").at(-1)?.content;
  return typeof content === "string" ? content : JSON.stringify(content);
}

describe("structured outputs over the OpenAI wire", () => {
  it("asks for the schema, streams partial objects and hands the JSON to the next task", async () => {
    fake.script([
      reply.text(['{"title": "Ow', 'ls", "points": ["hunt ', 'at night", ', '"see well"]}']),
      reply.text("Done."),
    ]);
    const events = await run(crew({ outputSchema: schema }));
    const format = fake.requests[0]?.body?.["response_format"] as
      { type: string; json_schema?: { schema?: unknown } } | undefined;
    expect(format?.type).toBe("json_schema");
    expect(format?.json_schema?.schema).toMatchObject({ required: ["title", "points"] });
    const end = events.find((e) => e.type === "task.end" && e.task === "answer");
    expect(end).toMatchObject({
      object: { title: "Owls", points: ["hunt at night", "see well"] },
    });
    expect(events.find((e) => e.type === "object.delta")).toMatchObject({
      partial: { title: "Ow" },
    });
    expect(lastUserText(1)).toContain('"title": "Owls"');
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("retries an invalid answer with the validation errors, then accepts the valid one", async () => {
    fake.script([
      reply.text('{"title": 42}'),
      reply.text('{"title": "Owls", "points": ["quiet flight"]}'),
      reply.text("Done."),
    ]);
    const events = await run(crew({ outputSchema: schema }));
    const check = events.find((e) => e.type === "guardrail.check");
    expect(check).toMatchObject({ attempt: 1, ok: false, task: "answer" });
    expect(lastUserText(1)).toMatch(/title: .*expected string/);
    expect(lastUserText(1)).toMatch(/points/);
    expect(events.find((e) => e.type === "task.end")).toMatchObject({
      object: { title: "Owls", points: ["quiet flight"] },
    });
  });

  it("fails with invalid_output naming the failing path when retries run out", async () => {
    fake.script([
      reply.text('{"title": "x", "points": [3]}'),
      reply.text('{"title": "x", "points": [4]}'),
    ]);
    const events = await run(crew({ outputSchema: schema, guardrailMaxRetries: 1 }));
    const end = events.at(-1);
    expect(end?.type === "run.end" && end.error).toMatchObject({
      code: "invalid_output",
      message: expect.stringContaining("points.0") as string,
    });
    expect(fake.requests).toHaveLength(2);
  });

  it("checks a sentence guardrail with the model, scripted verdict by verdict", async () => {
    fake.script((request) => {
      const system = request.body?.messages[0]?.content;
      const isCheck = typeof system === "string" && system.includes("strict reviewer");
      if (!isCheck)
        return reply.text(request.index === 0 ? "Owls are birds." : "Owls hunt mice at night.");
      return request.index === 1
        ? reply.text('{"ok": false, "feedback": "Say what they hunt."}')
        : reply.text('{"ok": true, "feedback": "Specific enough."}');
    });
    const events = await run(crew({ guardrail: "The answer says what owls hunt." }));
    const checks = events.filter((e) => e.type === "guardrail.check");
    expect(checks).toMatchObject([
      { attempt: 1, ok: false, feedback: "Say what they hunt." },
      { attempt: 2, ok: true, feedback: "Specific enough." },
    ]);
    expect(lastUserText(2)).toContain("Say what they hunt.");
    expect(events.find((e) => e.type === "task.end")).toMatchObject({
      output: "Owls hunt mice at night.",
    });
    fake.script(() => undefined);
  });
});

describe("the provider's warnings about a call", () => {
  for (const withTool of [false, true]) {
    it(`are said in the call's agent.step: this provider cannot enforce an output schema${withTool ? " (a turn that may call tools)" : ""}`, async () => {
      fake.script([
        reply.text('{"title": "Owls", "points": ["hunt at night"]}'),
        reply.text("Done."),
      ]);
      const events = await run(
        new Crew({
          name: "wire",
          model: resolveModel("compatible/any-model", {
            env: { CREWSTREAM_BASE_URL: fake.baseURL },
          }),
          agents: {
            analyst: {
              role: "Analyst",
              goal: "Answer",
              backstory: "Careful.",
              tools: withTool ? ["lookup"] : [],
            },
          },
          tasks: {
            answer: {
              description: "Summarise owls.",
              expectedOutput: "A title and points",
              agent: "analyst",
              outputSchema: schema,
            },
            follow: {
              description: "Use the summary.",
              expectedOutput: "One line",
              agent: "analyst",
            },
          },
          tools: {
            lookup: tool({
              description: "Look up a fact",
              inputSchema: z.object({ query: z.string() }),
              execute: async () => "Owls see in the dark.",
            }),
          },
        }),
      );
      const steps = events.filter((e) => e.type === "agent.step");
      expect(steps.find((e) => e.task === "answer")).toMatchObject({
        warnings: [
          'The feature "responseFormat" is not supported. JSON response format schema is only supported with structuredOutputs',
        ],
      });
      // The next task asks for no schema: its call drew no warning.
      expect(steps.find((e) => e.task === "follow")).not.toHaveProperty("warnings");
      expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    });
  }

  it("are said in a sentence guardrail's check too", async () => {
    fake.script([
      reply.text("Owls hunt at night."),
      reply.text('{"ok": true, "feedback": "Clear."}'),
    ]);
    const events = await run(
      new Crew({
        name: "checked",
        model: resolveModel("compatible/any-model", {
          env: { CREWSTREAM_BASE_URL: fake.baseURL },
        }),
        agents: { analyst: { role: "Analyst", goal: "Answer", backstory: "Careful." } },
        tasks: {
          answer: {
            description: "Say one thing about owls.",
            expectedOutput: "One line",
            agent: "analyst",
            guardrail: "The answer is about owls.",
          },
        },
      }),
    );
    expect(events.find((e) => e.type === "agent.step")).not.toHaveProperty("warnings");
    expect(events.find((e) => e.type === "guardrail.check")).toMatchObject({
      ok: true,
      warnings: [expect.stringContaining('The feature "responseFormat" is not supported.')],
    });
  });
});
