import type { LanguageModelV3FunctionTool } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { parsePrompt } from "./offline-prompt.js";
import { argsFor, coworkersOf, planToolCall } from "./offline-tools.js";

const delegate: LanguageModelV3FunctionTool = {
  type: "function",
  name: "delegate_work",
  inputSchema: {
    type: "object",
    properties: {
      coworker: { type: "string", enum: ["a", "b"] },
      task: { type: "string" },
      context: { type: "string" },
    },
    required: ["coworker", "task", "context"],
  },
};

function prompt(task: string) {
  return parsePrompt([
    { role: "user", content: [{ type: "text", text: `Current Task: ${task}` }] },
  ]);
}

describe("offline tool planning", () => {
  it("builds plausible arguments from a JSON schema", () => {
    const args = argsFor(
      {
        type: "object",
        properties: {
          url: { type: "string" },
          path: { type: "string" },
          query: { type: "string" },
          mode: { type: "string", enum: ["fast", "deep"] },
          count: { type: "integer", minimum: 1, maximum: 10 },
          flags: { type: "array", items: { type: "boolean" } },
          nested: { type: "object", properties: { q: { type: "string" } } },
          optional: { type: "string" },
        },
        required: ["url", "path", "query", "mode", "count", "flags", "nested"],
      },
      "deep sea",
    );
    expect(args).toEqual({
      url: "https://en.wikipedia.org/wiki/deep_sea",
      path: "README.md",
      query: "deep sea",
      mode: "fast",
      count: 3,
      flags: [true],
      nested: { q: "deep sea" },
    });
  });

  it("delegates to the next coworker not yet asked, then stops", () => {
    expect(coworkersOf(delegate)).toEqual(["a", "b"]);
    const first = planToolCall(prompt("Write about kelp."), { tools: [delegate] });
    expect(first).toMatchObject({
      toolName: "delegate_work",
      input: { coworker: "a", task: "Write about kelp." },
    });
    const afterA = parsePrompt([
      { role: "user", content: [{ type: "text", text: "Current Task: Write about kelp." }] },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            toolCallId: "1",
            toolName: "delegate_work",
            input: { coworker: "a" },
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "1",
            toolName: "delegate_work",
            output: { type: "text", value: "kelp notes" },
          },
        ],
      },
    ]);
    const second = planToolCall(afterA, { tools: [delegate] });
    expect(second?.input).toMatchObject({ coworker: "b" });
    expect(String(second?.input["context"])).toContain("kelp notes");
    const afterB = {
      ...afterA,
      exchanges: [
        ...afterA.exchanges,
        { toolCallId: "2", toolName: "delegate_work", input: { coworker: "b" }, result: "draft" },
      ],
    };
    expect(planToolCall(afterB, { tools: [delegate] })).toBeUndefined();
  });

  it("honours tool choice: none answers, a named tool is the one called", () => {
    const search: LanguageModelV3FunctionTool = {
      type: "function",
      name: "search",
      inputSchema: { type: "object", properties: { q: { type: "string" } } },
    };
    const read: LanguageModelV3FunctionTool = {
      type: "function",
      name: "read",
      inputSchema: { type: "object", properties: { path: { type: "string" } } },
    };
    expect(
      planToolCall(prompt("Research kelp."), { tools: [search], toolChoice: { type: "none" } }),
    ).toBeUndefined();
    expect(
      planToolCall(prompt("Research kelp."), {
        tools: [search, read],
        toolChoice: { type: "tool", toolName: "read" },
      })?.toolName,
    ).toBe("read");
    expect(planToolCall(prompt("Research kelp."), {})).toBeUndefined();
  });
});
