import { jsonSchema, Output, streamText, type ModelMessage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventDraft } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { streamTurn } from "./agent-turn.js";
import { callsDirectly } from "./direct-turn.js";
import { StepCounter, UsageMeter, type RunContext } from "./run-context.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

const model = () =>
  resolveModel("compatible/reasoner", { env: { CREWSTREAM_BASE_URL: fake.baseURL } });

/** A conversation that has been round once: an answer with reasoning, then feedback. */
const system = "You are Analyst. Your goal: answer about owls.";
const messages: ModelMessage[] = [
  { role: "user", content: "Say how owls hunt." },
  {
    role: "assistant",
    content: [
      { type: "reasoning", text: "They listen." },
      { type: "text", text: "By ear." },
    ],
  },
  { role: "user", content: [{ type: "text", text: "Say more." }] },
];
const schema = {
  type: "object",
  properties: { how: { type: "string" } },
  required: ["how"],
  additionalProperties: false,
};

/** A run context that records what a turn emits. */
function recordingContext(events: EventDraft[]): RunContext {
  const ctx: Partial<RunContext> = {
    signal: new AbortController().signal,
    emit: (draft) => {
      events.push(draft);
      return Promise.resolve();
    },
    tryEmit: (draft) => {
      events.push(draft);
      return true;
    },
    modelFor: model,
  };
  return ctx as RunContext;
}

async function directTurn(output?: Record<string, unknown>) {
  const events: EventDraft[] = [];
  const usage = new UsageMeter();
  const result = await streamTurn(recordingContext(events), {
    agent: { key: "analyst" } as Parameters<typeof streamTurn>[1]["agent"],
    scope: { agent: "analyst", task: "answer" },
    system,
    messages,
    tools: {},
    maxSteps: 5,
    steps: new StepCounter(),
    usage,
    ...(output === undefined
      ? {}
      : {
          output: {
            shape: { jsonSchema: output, validate: (value: unknown) => ({ ok: true, value }) },
            partials: { push: () => Promise.resolve(), restart: () => undefined },
          } as unknown as NonNullable<Parameters<typeof streamTurn>[1]["output"]>,
        }),
  });
  return { events, result, usage: usage.total, body: fake.requests.at(-1)?.body };
}

async function sdkTurn(output?: Record<string, unknown>) {
  let responseMessages: ModelMessage[] = [];
  const result = streamText({
    model: model(),
    system,
    messages,
    maxRetries: 0,
    ...(output === undefined ? {} : { output: Output.object({ schema: jsonSchema(output) }) }),
    onFinish: (event) => {
      responseMessages = event.response.messages;
    },
  });
  let text = "";
  for await (const delta of result.textStream) text += delta;
  return { text, responseMessages, usage: await result.usage, body: fake.requests.at(-1)?.body };
}

describe("a turn without tools, streamed straight from the model", () => {
  it("is taken for a v3 model with no tools, and not with tools", () => {
    expect(callsDirectly(model(), {})).toBe(true);
    expect(callsDirectly(model(), { lookup: {} })).toBe(false);
  });

  for (const output of [undefined, schema]) {
    it(`sends the provider what streamText sends${output ? " (with an output schema)" : ""}`, async () => {
      fake.script(reply.text("Owls hunt by ear."));
      const sdk = await sdkTurn(output);
      fake.script(reply.text("Owls hunt by ear."));
      const direct = await directTurn(output);
      expect(direct.body).toEqual(sdk.body);
      expect(direct.body?.messages).toHaveLength(4);
      if (output) expect(direct.body?.response_format).toEqual({ type: "json_object" });
    });
  }

  it("logs the provider's warnings about the call as streamText does", async () => {
    const logged: unknown[] = [];
    const global = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
    global.AI_SDK_LOG_WARNINGS = (options: unknown) => logged.push(options);
    try {
      fake.script(reply.text("{}"));
      await directTurn(schema);
    } finally {
      delete global.AI_SDK_LOG_WARNINGS;
    }
    expect(logged).toEqual([
      {
        warnings: [expect.objectContaining({ type: "unsupported", feature: "responseFormat" })],
        provider: "compatible.chat",
        model: "reasoner",
      },
    ]);
  });

  it("answers with the text, the usage and the response messages streamText gives", async () => {
    fake.script(reply.reasoned(["Sound ", "first."], ["Owls ", "hunt ", "by ", "ear."]));
    const sdk = await sdkTurn();
    fake.script(reply.reasoned(["Sound ", "first."], ["Owls ", "hunt ", "by ", "ear."]));
    const direct = await directTurn();
    expect(direct.result.text).toBe(sdk.text);
    expect(direct.result.finishReason).toBe("stop");
    expect(direct.result.responseMessages).toEqual(sdk.responseMessages);
    expect(direct.usage).toEqual({
      inputTokens: sdk.usage.inputTokens,
      outputTokens: sdk.usage.outputTokens,
    });
    expect(direct.events.map((e) => e.type)).toEqual([
      "reasoning.delta",
      "reasoning.delta",
      "text.delta",
      "text.delta",
      "text.delta",
      "text.delta",
      "agent.step",
    ]);
    expect(direct.events.at(-1)).toMatchObject({
      type: "agent.step",
      step: 1,
      kind: "answer",
      text: "Owls hunt by ear.",
      usage: { inputTokens: sdk.usage.inputTokens, outputTokens: sdk.usage.outputTokens },
      finishReason: "stop",
    });
  });
});
