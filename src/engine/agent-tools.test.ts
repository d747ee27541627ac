import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CrewEvent } from "../events/index.js";
import { Crew } from "./crew.js";

function crewWith(toolImpl: (input: { query: string }) => Promise<string>): Crew {
  return new Crew({
    name: "tooled",
    model: "offline",
    agents: {
      analyst: {
        role: "Analyst",
        goal: "Answer questions about {topic}",
        backstory: "Careful.",
        tools: ["lookup_fact"],
      },
    },
    tasks: {
      answer: {
        description: "Find one fact about {topic}.",
        expectedOutput: "One fact",
        agent: "analyst",
      },
    },
    tools: {
      lookup_fact: tool({
        description: "Look up a fact",
        inputSchema: z.object({ query: z.string() }),
        execute: toolImpl,
      }),
    },
  });
}

async function collect(crew: Crew): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of crew.stream({ topic: "owls" })) events.push(event);
  return events;
}

describe("agent tools", () => {
  it("runs a user tool and reports tool.call, tool.result and a tool step", async () => {
    const inputs: unknown[] = [];
    const events = await collect(
      crewWith(async (input) => {
        inputs.push(input);
        return "Owls can rotate their heads 270 degrees.";
      }),
    );
    const call = events.find((e) => e.type === "tool.call");
    const result = events.find((e) => e.type === "tool.result");
    expect(inputs).toHaveLength(1);
    expect(call).toMatchObject({
      agent: "analyst",
      task: "answer",
      tool: "lookup_fact",
      args: inputs[0],
    });
    expect(result).toMatchObject({
      agent: "analyst",
      task: "answer",
      tool: "lookup_fact",
      result: "Owls can rotate their heads 270 degrees.",
    });
    expect(
      call?.type === "tool.call" && result?.type === "tool.result" && call.callId === result.callId,
    ).toBe(true);
    expect(events.find((e) => e.type === "agent.step")).toMatchObject({
      step: 1,
      kind: "tool",
      text: "Using tool: lookup_fact",
    });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("reports a throwing tool as tool.result with an error, and the run goes on", async () => {
    const events = await collect(
      crewWith(async () => {
        throw new Error("fact service unavailable");
      }),
    );
    const result = events.find((e) => e.type === "tool.result");
    expect(result).toMatchObject({
      tool: "lookup_fact",
      error: { code: "tool_error", message: "fact service unavailable" },
    });
    expect(result?.type === "tool.result" && result.result).toBeUndefined();
    expect(events.some((e) => e.type === "task.end")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });
});
