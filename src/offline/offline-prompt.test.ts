import { describe, expect, it } from "vitest";
import { parsePrompt } from "./offline-prompt.js";
import { GENERIC_TOPIC, findTopic, promptTopic, roleKind, tokenize } from "./offline-topic.js";

describe("parsePrompt", () => {
  it("reads CrewAI's layout: role, backstory and goal; task, expected output and context", () => {
    const parsed = parsePrompt([
      {
        role: "system",
        content:
          "You are Senior Analyst. You read primary sources.\nYour personal goal is: Find facts about tides",
      },
      {
        role: "user",
        content: [
          {
            type: "text",
            text: [
              "Current Task: Research tides.",
              "",
              "This is the expected criteria for your final answer: Five bullet points.",
              "You MUST return the actual complete content as the final answer, not a summary.",
              "",
              "This is the context you're working with:",
              "earlier:",
              "- the moon pulls the sea",
              "",
              "Begin! This is VERY important to you, use the tools available and give your best Final Answer.",
            ].join("\n"),
          },
        ],
      },
    ]);
    expect(parsed).toMatchObject({
      role: "Senior Analyst",
      backstory: "You read primary sources.",
      goal: "Find facts about tides",
      task: "Research tides.",
      expectedOutput: "Five bullet points.",
      context: "earlier:\n- the moon pulls the sea",
      feedback: "",
    });
  });

  it("reads plain labels, and a prompt without labels as the task", () => {
    const labelled = parsePrompt([
      {
        role: "system",
        content: "## Role: Editor\n**Goal:** Catch errors\nBackstory:\nA copy editor.",
      },
      {
        role: "user",
        content: [{ type: "text", text: "Task: Check the draft.\nExpected output: A verdict." }],
      },
    ]);
    expect(labelled).toMatchObject({
      role: "Editor",
      goal: "Catch errors",
      backstory: "A copy editor.",
      task: "Check the draft.",
      expectedOutput: "A verdict.",
    });
    const bare = parsePrompt([
      { role: "user", content: [{ type: "text", text: "Tell me about volcanoes" }] },
    ]);
    expect(bare).toMatchObject({ role: "Assistant", task: "Tell me about volcanoes", context: "" });
  });

  it("pairs tool calls with their results in order", () => {
    const parsed = parsePrompt([
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "a", toolName: "search", input: { q: "x" } }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "a",
            toolName: "search",
            output: { type: "json", value: { hits: 2 } },
          },
        ],
      },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "b", toolName: "read", input: {} }],
      },
    ]);
    expect(parsed.exchanges).toEqual([
      { toolCallId: "a", toolName: "search", input: { q: "x" }, result: '{"hits":2}' },
      { toolCallId: "b", toolName: "read", input: {} },
    ]);
  });
});

describe("offline text helpers", () => {
  it("finds the topic after about/on/research, else the first content words", () => {
    expect(
      findTopic("Conduct a thorough research about AI LLMs Make sure you find any interesting"),
    ).toBe("AI LLMs");
    expect(findTopic("Write a short report on coral reefs from the research findings.")).toBe(
      "coral reefs",
    );
    expect(findTopic("Research quantum sensors. Note your confidence.")).toBe("quantum sensors");
    expect(findTopic("Summarize the meeting notes")).toBe("meeting notes");
    expect(findTopic("")).toBe("the requested topic");
    expect(findTopic("Research AI. Note your confidence.")).toBe("AI");
  });

  it("falls back to a generic topic when the task's topic is empty or one letter", () => {
    const crew = (topic: string) => ({
      task: `Write a short report on ${topic} from the research findings.`,
      expectedOutput: `A markdown report of 400 to 700 words about ${topic}.`,
      context: "## Research findings: Verifiable facts\n\n- **Costs:** lower every year.",
      goal: `Find the most relevant, current and verifiable facts about ${topic}, and separate what is established`,
    });
    expect(promptTopic(crew("x"))).toBe(GENERIC_TOPIC);
    expect(promptTopic(crew(""))).toBe(GENERIC_TOPIC);
    expect(promptTopic(crew("coral reefs"))).toBe("coral reefs");
    expect(findTopic("Research x. Collect the key developments.", "Find facts about x")).toBe(
      GENERIC_TOPIC,
    );
    expect(findTopic("Research . Collect the key developments.")).toBe(GENERIC_TOPIC);
    // No place for a topic at all: the first content words still make one.
    expect(findTopic("Summarize the meeting notes")).toBe("meeting notes");
  });

  it("classifies roles by their head noun first", () => {
    expect(roleKind("AI agents Senior Research Analyst")).toBe("researcher");
    expect(roleKind("Content moderation Technical Writer")).toBe("writer");
    expect(roleKind("Reporting Analyst")).toBe("writer");
    expect(roleKind("Solar Editor and Fact Checker")).toBe("reviewer");
    expect(roleKind("Crew Manager")).toBe("manager");
    expect(roleKind("Helper", "write a blog post")).toBe("writer");
    expect(roleKind("Helper")).toBe("generic");
  });

  it("tokenizes into words with their leading whitespace, losslessly", () => {
    const text = "# Title\n\n- one  two\n";
    expect(tokenize(text)).toEqual(["#", " Title", "\n\n-", " one", "  two", "\n"]);
    expect(tokenize(text).join("")).toBe(text);
  });
});
