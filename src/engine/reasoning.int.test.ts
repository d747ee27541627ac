import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crewEventSchema, type CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { createOfflineModel } from "../offline/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

function crewWith(model: ReturnType<typeof resolveModel>): Crew {
  return new Crew({
    name: "thinker",
    model,
    agents: { analyst: { role: "Analyst", goal: "Answer about owls", backstory: "Careful." } },
    tasks: {
      answer: { description: "Say how owls hunt.", expectedOutput: "One line", agent: "analyst" },
    },
  });
}

async function run(crew: Crew): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of crew.stream()) events.push(event);
  return events;
}

const joined = (events: CrewEvent[], type: "reasoning.delta" | "text.delta") =>
  events.map((e) => (e.type === type ? e.delta : "")).join("");

describe("reasoning.delta", () => {
  for (const spec of ["compatible/reasoner", "deepseek/deepseek-reasoner"]) {
    it(`streams ${spec}'s reasoning_content as its own events, kept out of the output`, async () => {
      const env = {
        CREWSTREAM_BASE_URL: fake.baseURL,
        DEEPSEEK_BASE_URL: fake.baseURL,
        DEEPSEEK_API_KEY: "k",
      };
      fake.script(reply.reasoned(["Owls ", "hunt ", "by ", "ear."], ["They ", "listen."]));
      const events = await run(crewWith(resolveModel(spec, { env })));
      for (const event of events) expect(crewEventSchema.safeParse(event).success).toBe(true);
      const thoughts = events.filter((e) => e.type === "reasoning.delta");
      expect(thoughts.map((e) => e.delta)).toEqual(["Owls ", "hunt ", "by ", "ear."]);
      for (const e of thoughts) expect(e).toMatchObject({ agent: "analyst", task: "answer" });
      const firstText = events.findIndex((e) => e.type === "text.delta");
      const lastThought = events.findLastIndex((e) => e.type === "reasoning.delta");
      expect(lastThought).toBeLessThan(firstText);
      expect(events.find((e) => e.type === "task.end")).toMatchObject({ output: "They listen." });
      const end = events.at(-1);
      expect(end).toMatchObject({ type: "run.end", status: "completed", result: "They listen." });
      // The fake server counts reasoning chunks as completion tokens, as providers do.
      expect(end?.type === "run.end" && end.usage.outputTokens).toBe(6);
      expect(joined(events, "text.delta")).toBe("They listen.");
    });
  }

  it("comes from the offline model too: a short thought before each answer", async () => {
    const events = await run(crewWith(createOfflineModel({ tokenMs: 0 })));
    const thought = joined(events, "reasoning.delta");
    expect(thought).toMatch(/^The task is about .+; the answer should be: One line$/);
    const end = events.find((e) => e.type === "task.end");
    expect(end?.type === "task.end" && end.output).not.toContain(thought);
  });
});
