import { describe, expect, it } from "vitest";
import { parsePrompt } from "./offline-prompt.js";
import { findTopic, roleKind, tokenize } from "./offline-topic.js";
import { requestedCount } from "./offline-phrases.js";

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
    expect(findTopic("")).toBe("the assignment");
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

  it("reads how many items the expected output asks for, within bounds", () => {
    expect(requestedCount("A bullet list of 8 to 12 findings", 6)).toBe(8);
    expect(requestedCount("A list with 10 bullet points", 6)).toBe(10);
    expect(requestedCount("40 bullet points", 6)).toBe(12);
    expect(requestedCount("A report", 6)).toBe(6);
  });

  it("tokenizes into words with their leading whitespace, losslessly", () => {
    const text = "# Title\n\n- one  two\n";
    expect(tokenize(text)).toEqual(["#", " Title", "\n\n-", " one", "  two", "\n"]);
    expect(tokenize(text).join("")).toBe(text);
  });
});
