import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CrewEvent } from "../events/index.js";
import { createOfflineModel } from "../offline/index.js";
import { Crew } from "./crew.js";

function slowCrew(): Crew {
  return new Crew({
    name: "slow",
    model: createOfflineModel({ tokenMs: 5 }),
    agents: { writer: { role: "Writer", goal: "Write", backstory: "Slow." } },
    tasks: {
      one: { description: "Write about lakes.", expectedOutput: "An essay", agent: "writer" },
      two: { description: "Write about seas.", expectedOutput: "An essay", agent: "writer" },
    },
  });
}

/** A crew whose only tool blocks until the run's signal aborts, and records what it saw. */
function blockingToolCrew(seen: { aborted: boolean; finished: boolean }): Crew {
  return new Crew({
    name: "blocking",
    model: "offline",
    agents: {
      worker: { role: "Worker", goal: "Wait", backstory: "Patient.", tools: ["wait_forever"] },
    },
    tasks: {
      wait: { description: "Wait for the signal.", expectedOutput: "Nothing", agent: "worker" },
    },
    tools: {
      wait_forever: tool({
        description: "Waits",
        inputSchema: z.object({ reason: z.string() }),
        execute: async (_input, { abortSignal }) => {
          try {
            await new Promise<void>((resolve) =>
              abortSignal?.addEventListener("abort", () => resolve(), { once: true }),
            );
            seen.aborted = abortSignal?.aborted ?? false;
            return "stopped";
          } finally {
            seen.finished = true;
          }
        },
      }),
    },
  });
}

describe("cancelling a run", () => {
  it("ends with one run.end cancelled when the signal aborts mid-stream", async () => {
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    for await (const event of slowCrew().stream({}, { signal: controller.signal })) {
      events.push(event);
      if (event.type === "text.delta" && events.filter((e) => e.type === "text.delta").length === 3)
        controller.abort();
    }
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "cancelled",
      error: { code: "cancelled" },
    });
    expect(events.filter((e) => e.type === "run.end")).toHaveLength(1);
    expect(events.some((e) => e.type === "task.end")).toBe(false);
    // The cut-short call reported no usage: what it streamed (reasoning included) is counted,
    // as an estimate.
    const streamed = events.filter(
      (e) => e.type === "text.delta" || e.type === "reasoning.delta",
    ).length;
    expect(streamed).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)).toMatchObject({
      usage: { inputTokens: 0, outputTokens: streamed },
      estimated: true,
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it("ends as cancelled at once when the signal is already aborted", async () => {
    const events: CrewEvent[] = [];
    for await (const event of slowCrew().stream({}, { signal: AbortSignal.abort() }))
      events.push(event);
    expect(events.map((e) => e.type)).toEqual(["run.start", "run.end"]);
    expect(events[1]).toMatchObject({ status: "cancelled" });
  });

  it("aborts a running tool and waits for it when the signal aborts", async () => {
    const seen = { aborted: false, finished: false };
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    for await (const event of blockingToolCrew(seen).stream({}, { signal: controller.signal })) {
      events.push(event);
      if (event.type === "tool.call") controller.abort();
    }
    expect(seen).toEqual({ aborted: true, finished: true });
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect(events.some((e) => e.type === "tool.result")).toBe(false);
  });

  it("stops the run's tool calls when the consumer returns early", async () => {
    const seen = { aborted: false, finished: false };
    const stream = blockingToolCrew(seen).stream({});
    for await (const event of stream) {
      if (event.type === "tool.call") break;
    }
    // Breaking out called return(), which resolves only after the run's work has ended.
    expect(seen).toEqual({ aborted: true, finished: true });
  });
});
