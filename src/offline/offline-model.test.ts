import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { describe, expect, it, vi } from "vitest";
import { CrewError } from "../events/index.js";
import { OFFLINE_LABEL } from "./offline-answers.js";
import { createOfflineModel } from "./offline-model.js";
import { wordCount } from "./offline-size.js";

const researcherSystem =
  "You are Senior Research Analyst. You find the facts others miss.\nYour personal goal is: Uncover the latest developments in quantum computing";
const researchTask = [
  "Current Task: Conduct a thorough research about quantum computing. Make sure you find any interesting and relevant information.",
  "",
  "This is the expected criteria for your final answer: A list with 6 bullet points of the most relevant information about quantum computing",
  "You MUST return the actual complete content as the final answer, not a summary.",
  "",
  "Begin! This is VERY important to you, use the tools available and give your best Final Answer.",
].join("\n");

async function run(system: string, prompt: string, tokenMs = 0) {
  const result = streamText({ model: createOfflineModel({ tokenMs }), system, prompt });
  const deltas: string[] = [];
  const reasoning: string[] = [];
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") deltas.push(part.text);
    if (part.type === "reasoning-delta") reasoning.push(part.text);
  }
  return { deltas, reasoning, text: deltas.join(""), usage: await result.usage };
}

describe("offline model", () => {
  it("streams a labelled research answer about the task's topic, token by token, with usage", async () => {
    const { deltas, reasoning, text, usage } = await run(researcherSystem, researchTask);
    expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(text).toContain("quantum computing");
    expect(text.match(/^- \*\*/gm)?.length).toBeGreaterThanOrEqual(5);
    expect(deltas.length).toBeGreaterThan(150);
    expect(deltas.length).toBeLessThan(600);
    expect(usage.outputTokens).toBe(deltas.length + reasoning.length);
    expect(usage.outputTokenDetails.reasoningTokens).toBe(reasoning.length);
    const promptChars = researcherSystem.length + researchTask.length;
    expect(usage.inputTokens).toBeGreaterThanOrEqual(Math.floor(promptChars / 4));
    expect(usage.inputTokens).toBeLessThan(promptChars);
  });

  it("thinks briefly about the task before answering, apart from the answer", async () => {
    const { reasoning, text } = await run(researcherSystem, researchTask);
    const thought = reasoning.join("");
    expect(thought).toMatch(/^The task is about quantum computing; the answer should be: A list/);
    expect(reasoning.length).toBeLessThan(30);
    expect(text).not.toContain(thought);
  });

  it("follows up on a thread's conversation: names the previous question and answer", async () => {
    const followUp = researchTask.replace(
      "\nBegin!",
      [
        "This is the conversation so far:",
        "(Earlier messages and your final answers, oldest first.)",
        "User: quantum computing",
        `Assistant: ${OFFLINE_LABEL}`,
        "",
        "## Research findings: Quantum computing",
        "Context: a line that looks like a label",
        "",
        "Begin!",
      ].join("\n"),
    );
    const { text } = await run(researcherSystem, followUp);
    expect(text.split("\n")[2]).toBe(
      '_Following up on our conversation: you asked "quantum computing"; my previous answer began "Research findings: Quantum computing"._',
    );
    expect(text).toContain("quantum computing");
    const { text: first } = await run(researcherSystem, researchTask);
    expect(first).not.toContain("Following up");
  });

  it("is deterministic: the same prompt gives the same answer", async () => {
    const a = await run(researcherSystem, researchTask);
    const b = await run(researcherSystem, researchTask);
    expect(a.text).toBe(b.text);
  });

  it("writes an article from the context's bullet points", async () => {
    const system =
      "You are Reporting Analyst. You turn research into clear reports.\nYour personal goal is: Write reports about solar power";
    const prompt = [
      "Current Task: Review the context you got and expand each topic into a full section for a report about solar power.",
      "",
      "This is the expected criteria for your final answer: A fully fledged report about solar power, formatted as markdown.",
      "",
      "This is the context you're working with:",
      "research_task:",
      "- **Panel prices:** prices fell sharply over ten years.",
      "- **Storage:** batteries make solar useful at night.",
    ].join("\n");
    const { text } = await run(system, prompt);
    expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(text).toContain("# Solar power");
    expect(text).toContain("### Panel prices");
    expect(text).toContain("### Storage");
    expect(text).not.toContain("Begin!");
  });

  it("writes as many words as the task asks for, within its range", async () => {
    const system = "You are Technical Writer.\nYour personal goal is: Write clear reports";
    const task = (expected: string) =>
      `Current Task: Write a short report on solar power from the research findings.\n\nThis is the expected criteria for your final answer: ${expected}`;
    const words = (text: string) => wordCount(text);
    const ranged = await run(system, task("A markdown report of 400 to 700 words."));
    expect(words(ranged.text)).toBeGreaterThanOrEqual(400);
    expect(words(ranged.text)).toBeLessThanOrEqual(700);
    expect(ranged.text).toContain("## Recommendations");
    const long = await run(system, task("A report of at least 1200 words."));
    expect(words(long.text)).toBeGreaterThanOrEqual(1200);
    expect(words(long.text)).toBeLessThanOrEqual(1800);
    const short = await run(system, task("A report of no more than 120 words."));
    expect(words(short.text)).toBeLessThanOrEqual(120);
    expect(short.text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(short.text).toContain("solar power");
    const generic = await run("You are Helper.", "Task: Explain tides in about 250 words.");
    expect(words(generic.text)).toBeGreaterThanOrEqual(225);
    expect(words(generic.text)).toBeLessThanOrEqual(275);
  });

  it("writes about a generic topic when the task's topic is a single letter", async () => {
    const { text } = await run(
      "You are x Senior Research Analyst.\nYour personal goal is: Find the most relevant, current and verifiable facts about x, and separate what is established from what is speculation",
      "Current Task: Research x. Collect the key developments.\n\nThis is the expected criteria for your final answer: A bullet list of 8 findings about x.",
    );
    expect(text).toContain("## Research findings: The requested topic");
    expect(text).not.toMatch(/verifiable facts separate/i);
    expect(text.match(/^- \*\*/gm)?.length).toBe(8);
  });

  it("reviews with a verdict", async () => {
    const system =
      "Role: Content Reviewer\nGoal: Make sure every article is accurate\nBackstory: A meticulous editor.";
    const prompt =
      "Task: Review the article about electric cars.\nExpected output: A review with a verdict.\nContext:\n" +
      "Electric cars are popular. ".repeat(40);
    const { text } = await run(system, prompt);
    expect(text).toContain("## Review: Electric cars");
    expect(text).toMatch(/\*\*Verdict:\*\* approved/);
  });

  it("calls one suitable tool with plausible arguments, then answers using its result", async () => {
    const calls: unknown[] = [];
    const result = streamText({
      model: createOfflineModel(),
      system: researcherSystem,
      prompt: researchTask,
      stopWhen: stepCountIs(5),
      tools: {
        read_file: tool({
          description: "Read a file from the crew folder",
          inputSchema: jsonSchema<{ path: string }>({
            type: "object",
            properties: { path: { type: "string" } },
            required: ["path"],
          }),
          execute: async () => "file text",
        }),
        web_search: tool({
          description: "Search the web for research on a query",
          inputSchema: jsonSchema<{ query: string; limit?: number }>({
            type: "object",
            properties: { query: { type: "string" }, limit: { type: "integer", minimum: 1 } },
            required: ["query"],
          }),
          execute: async (input) => {
            calls.push(input);
            return "Quantum computers reached 1000 qubits.";
          },
        }),
      },
    });
    const text = await result.text;
    const steps = await result.steps;
    expect(calls).toEqual([{ query: "quantum computing" }]);
    expect(steps).toHaveLength(2);
    expect(steps[0]?.finishReason).toBe("tool-calls");
    expect(text).toContain("Quantum computers reached 1000 qubits.");
    expect(text).toContain("`web_search`");
  });

  it("delegates once to each coworker in enum order, then summarises their results", async () => {
    const delegated: Array<{ coworker: string; task: string; context: string }> = [];
    const result = streamText({
      model: createOfflineModel(),
      system:
        "You are Crew Manager. You coordinate the team.\nYour personal goal is: Deliver the crew's work",
      prompt:
        "Current Task: Write a short report about coral reefs.\n\nThis is the expected criteria for your final answer: A short report.",
      stopWhen: stepCountIs(6),
      tools: {
        delegate_work: tool({
          description: "Delegate work to a coworker",
          inputSchema: jsonSchema<{ coworker: string; task: string; context: string }>({
            type: "object",
            properties: {
              coworker: { type: "string", enum: ["researcher", "writer"] },
              task: { type: "string" },
              context: { type: "string" },
            },
            required: ["coworker", "task", "context"],
          }),
          execute: async (input) => {
            delegated.push(input);
            return `Result of ${input.coworker}: work on coral reefs done.`;
          },
        }),
      },
    });
    const text = await result.text;
    expect(delegated.map((d) => d.coworker)).toEqual(["researcher", "writer"]);
    expect(delegated[0]?.task).toContain("coral reefs");
    expect(delegated[1]?.context).toContain("Result of researcher");
    expect((await result.steps).length).toBe(3);
    expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(text).toContain("Result of researcher");
    expect(text).toContain("Result of writer");
  });

  it("answers without tools when the tool choice is none, and supports generateText", async () => {
    const result = await generateText({
      model: createOfflineModel(),
      system: researcherSystem,
      prompt: researchTask,
      toolChoice: "none",
      tools: {
        web_search: tool({
          inputSchema: jsonSchema<{ q: string }>({
            type: "object",
            properties: { q: { type: "string" } },
          }),
          execute: async () => "x",
        }),
      },
    });
    expect(result.toolCalls).toHaveLength(0);
    expect(result.text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(result.usage.outputTokens).toBeGreaterThan(100);
  });

  it("revises its answer when a human gave feedback", async () => {
    const result = await generateText({
      model: createOfflineModel(),
      system: researcherSystem,
      messages: [
        { role: "user", content: researchTask },
        { role: "assistant", content: "draft" },
        {
          role: "user",
          content:
            "A human reviewed your final answer and gave this feedback:\nMention error correction.\n\nRevise your final answer.",
        },
      ],
    });
    expect(result.text).toContain('Revised after feedback: "Mention error correction."');
  });

  it("stops promptly with an AbortError when the call is aborted mid-stream", async () => {
    const controller = new AbortController();
    const model = createOfflineModel({ tokenMs: 5 });
    const { stream } = await model.doStream({
      prompt: [{ role: "user", content: [{ type: "text", text: researchTask }] }],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    const seen: string[] = [];
    let error: unknown;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        seen.push(value.type);
        if (value.type === "text-delta" && seen.filter((t) => t === "text-delta").length === 3)
          controller.abort();
      }
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).name).toBe("AbortError");
    expect(seen.filter((t) => t === "text-delta")).toHaveLength(3);
    expect(seen).not.toContain("finish");
  });

  it("paces text deltas at tokenMs per token (on fake timers)", async () => {
    vi.useFakeTimers();
    try {
      const model = createOfflineModel({ tokenMs: 20 });
      const { stream } = await model.doStream({
        prompt: [{ role: "user", content: [{ type: "text", text: researchTask }] }],
      });
      const reader = stream.getReader();
      let deltas = 0;
      const reading = (async () => {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          if (r.value.type === "text-delta" || r.value.type === "reasoning-delta") deltas++;
        }
      })();
      await vi.advanceTimersByTimeAsync(100);
      expect(deltas).toBe(5);
      await vi.advanceTimersByTimeAsync(60_000);
      await reading;
      expect(deltas).toBeGreaterThan(100);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects at once when the signal is already aborted", async () => {
    const model = createOfflineModel();
    const abortSignal = AbortSignal.abort();
    await expect(model.doStream({ prompt: [], abortSignal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  it("reads its pace from CREWSTREAM_OFFLINE_TOKEN_MS and rejects a bad value clearly", () => {
    expect(() => createOfflineModel({ env: { CREWSTREAM_OFFLINE_TOKEN_MS: "fast" } })).toThrow(
      CrewError,
    );
    expect(() => createOfflineModel({ env: { CREWSTREAM_OFFLINE_TOKEN_MS: "fast" } })).toThrow(
      /CREWSTREAM_OFFLINE_TOKEN_MS/,
    );
    expect(createOfflineModel({ env: { CREWSTREAM_OFFLINE_TOKEN_MS: "0" } }).provider).toBe(
      "offline",
    );
  });
});
