import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ASK_QUESTION_TOOL, DELEGATE_WORK_TOOL, type CrewEvent } from "../events/index.js";
import { resolveModel } from "../llm/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { Crew } from "./crew.js";
import type { LanguageModel } from "ai";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

function crew(model: LanguageModel, allowDelegation = true): Crew {
  return new Crew({
    name: "delegating",
    model,
    agents: {
      writer: { role: "Writer", goal: "Write", backstory: "Writes well.", allowDelegation },
      researcher: { role: "Researcher", goal: "Find facts", backstory: "Digs deep." },
    },
    tasks: {
      write: { description: "Write about owls.", expectedOutput: "A paragraph", agent: "writer" },
    },
  });
}

async function run(c: Crew): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of c.stream({}, { retry: { maxRetries: 0 } })) events.push(event);
  return events;
}

const fakeModel = (): LanguageModel =>
  resolveModel("compatible/test-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } });

describe("delegation in a sequential crew", () => {
  it("gives an agent with allow_delegation the coworker tools, and streams the coworker's work", async () => {
    const before = fake.requests.length;
    fake.script([
      reply.toolCall(DELEGATE_WORK_TOOL, {
        coworker: "researcher",
        task: "Find three facts about owls",
        context: "For an article",
      }),
      reply.text("Owls see in the dark."),
      reply.text("An article about owls."),
    ]);
    const events = await run(crew(fakeModel()));
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "An article about owls." });
    const first = fake.requests[before];
    const names = first?.body?.tools?.map((t) => t.function.name);
    expect(names).toEqual(expect.arrayContaining([DELEGATE_WORK_TOOL, ASK_QUESTION_TOOL]));
    // Only the crew's other agents are offered.
    const described = JSON.stringify(first?.body?.tools);
    expect(described).toContain("researcher");
    expect(described).not.toMatch(/"enum":\[[^\]]*"writer"/);
    expect(events.find((e) => e.type === "task.delegate")).toMatchObject({
      agent: "writer",
      task: "write",
      from: "writer",
      to: "researcher",
      reason: "Find three facts about owls",
    });
    const researcherText = events
      .filter((e) => e.type === "text.delta" && e.agent === "researcher")
      .map((e) => (e.type === "text.delta" ? e.delta : ""))
      .join("");
    expect(researcherText).toBe("Owls see in the dark.");
    expect(
      events
        .filter((e) => e.type === "text.delta" && e.agent === "researcher")
        .every((e) => e.task === "write"),
    ).toBe(true);
    // The coworker's answer went back to the writer as the tool result.
    expect(JSON.stringify(fake.requests[before + 2]?.body?.messages)).toContain(
      "Owls see in the dark.",
    );
  });

  it("asks a coworker a question", async () => {
    fake.script([
      reply.toolCall(ASK_QUESTION_TOOL, {
        coworker: "researcher",
        question: "Do owls sleep?",
        context: "none",
      }),
      reply.text("By day."),
      reply.text("Owls sleep by day."),
    ]);
    const events = await run(crew(fakeModel()));
    expect(events.find((e) => e.type === "task.delegate")).toMatchObject({
      from: "writer",
      to: "researcher",
      reason: "Do owls sleep?",
    });
    expect(events.at(-1)).toMatchObject({ status: "completed", result: "Owls sleep by day." });
  });

  it("offers no coworker tools without allow_delegation", async () => {
    const before = fake.requests.length;
    fake.script([reply.text("Alone.")]);
    const events = await run(crew(fakeModel(), false));
    expect(events.at(-1)).toMatchObject({ status: "completed" });
    expect(fake.requests[before]?.body?.tools).toBeUndefined();
  });

  it("the offline model delegates when delegation is allowed", async () => {
    const events = await run(crew(resolveModel("offline")));
    expect(events.at(-1)).toMatchObject({ status: "completed" });
    expect(events.filter((e) => e.type === "task.delegate")).toEqual([
      expect.objectContaining({ from: "writer", to: "researcher" }),
    ]);
    expect(events.some((e) => e.type === "text.delta" && e.agent === "researcher")).toBe(true);
    const offline = await run(crew(resolveModel("offline"), false));
    expect(offline.some((e) => e.type === "task.delegate")).toBe(false);
  });
});
