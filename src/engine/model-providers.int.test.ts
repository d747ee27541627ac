import { tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { CrewEvent } from "../events/index.js";
import { MODEL_PROVIDER_LIST, resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

/** A model string and environment per OpenAI-wire prefix, its base URL pointed at the fake server. */
function envFor(prefix: string, baseURL: string): { spec: string; env: Record<string, string> } {
  const provider = MODEL_PROVIDER_LIST.find((p) => p.prefix === prefix);
  if (provider === undefined) throw new Error(`no provider ${prefix}`);
  const env: Record<string, string> = { [provider.baseUrlVars[0] ?? ""]: baseURL };
  for (const name of provider.keyVars) env[name] = "test-key";
  const model = prefix === "openrouter" ? "vendor/fake-model" : "fake-model";
  return { spec: `${prefix}/${model}`, env };
}

/** xAI and Mistral send each tool call whole in one chunk; the others stream arguments. */
const WHOLE_TOOL_CALLS = new Set(["xai", "mistral"]);

/** The OpenAI-wire providers, and Mistral, whose chat API the fake server also speaks. */
const wire = [
  ...MODEL_PROVIDER_LIST.filter((provider) => provider.openaiWire).map((p) => p.prefix),
  "mistral",
];

describe("every OpenAI-wire provider, end to end through its base URL override", () => {
  it("includes the providers CrewAI users name most", () => {
    expect(wire).toEqual(
      expect.arrayContaining([
        "openai",
        "groq",
        "deepseek",
        "xai",
        "azure",
        "ollama",
        "openrouter",
        "compatible",
      ]),
    );
  });

  for (const prefix of wire) {
    it(`runs a crew with a tool call on ${prefix}/`, async () => {
      const { spec, env } = envFor(prefix, fake.baseURL);
      const crew = new Crew({
        name: "wire",
        model: resolveModel(spec, { env }),
        agents: {
          analyst: { role: "Analyst", goal: "Answer", backstory: "Careful.", tools: ["lookup"] },
        },
        tasks: {
          answer: { description: "Answer.", expectedOutput: "One line", agent: "analyst" },
        },
        tools: {
          lookup: tool({
            description: "Look up a fact",
            inputSchema: z.object({ query: z.string() }),
            execute: async ({ query }) => `Fact about ${query}.`,
          }),
        },
      });
      const call = reply.toolCall("lookup", { query: "owls" });
      fake.script([
        { ...call, wholeToolCalls: WHOLE_TOOL_CALLS.has(prefix) },
        reply.text("Owls see at night."),
      ]);
      const before = fake.requests.length;
      const events: CrewEvent[] = [];
      for await (const event of crew.stream()) events.push(event);
      expect(events.at(-1)).toMatchObject({
        type: "run.end",
        status: "completed",
        result: "Owls see at night.",
      });
      expect(events.find((e) => e.type === "tool.result")).toMatchObject({
        tool: "lookup",
        result: "Fact about owls.",
      });
      const sent = fake.requests.slice(before);
      expect(sent).toHaveLength(2);
      const provider = MODEL_PROVIDER_LIST.find((p) => p.prefix === prefix);
      if (provider !== undefined && provider.keyVars.length > 0) {
        const headers = sent[0]?.headers ?? {};
        expect(`${headers["authorization"] ?? ""} ${headers["api-key"] ?? ""}`).toContain(
          "test-key",
        );
      }
      expect(JSON.stringify(sent[1]?.body)).toContain("Fact about owls.");
    });
  }
});
