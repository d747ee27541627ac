import { describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { Crew } from "./crew.js";
import type { InputRequest } from "../crew/index.js";

const crew = new Crew({
  name: "reviewed",
  model: "offline",
  agents: { writer: { role: "Writer", goal: "Write about {topic}", backstory: "Clear." } },
  tasks: {
    draft: {
      description: "Draft a note on {topic}.",
      expectedOutput: "A short note",
      agent: "writer",
      humanInput: true,
    },
  },
});

async function run(
  onInputRequest?: (request: InputRequest) => Promise<string>,
): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  const options = onInputRequest ? { onInputRequest } : {};
  for await (const event of crew.stream({ topic: "rivers" }, options)) events.push(event);
  return events;
}

function texts(events: CrewEvent[]): string {
  return events.map((e) => (e.type === "text.delta" ? e.delta : "")).join("");
}

describe("human input", () => {
  it("asks with the draft, and revises the answer with the feedback", async () => {
    const requests: InputRequest[] = [];
    const events = await run(async (request) => {
      requests.push(request);
      return "Mention floods.";
    });
    const request = events.find((e) => e.type === "input.request");
    const response = events.find((e) => e.type === "input.response");
    expect(request).toMatchObject({ agent: "writer", task: "draft" });
    expect(requests[0]).toMatchObject({ task: "draft", agent: "writer" });
    expect(request?.type === "input.request" && request.requestId).toBe(requests[0]?.requestId);
    expect(response).toMatchObject({
      requestId: requests[0]?.requestId,
      text: "Mention floods.",
      task: "draft",
    });
    const at = events.indexOf(response as CrewEvent);
    const draft = texts(events.slice(0, at));
    expect(requests[0]?.prompt).toContain(draft.trim().split("\n")[0]);
    const revised = texts(events.slice(at));
    expect(revised.length).toBeGreaterThan(0);
    const end = events.find((e) => e.type === "task.end");
    expect(end?.type === "task.end" && end.output).toBe(revised);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed", result: revised });
  });

  it("accepts the draft on an empty answer", async () => {
    const events = await run(async () => "");
    const at = events.findIndex((e) => e.type === "input.response");
    expect(events.slice(at).some((e) => e.type === "text.delta")).toBe(false);
    const end = events.find((e) => e.type === "task.end");
    expect(end?.type === "task.end" && end.output).toBe(texts(events));
  });

  it("fails the run with bad_request naming the task when nobody can answer", async () => {
    const events = await run();
    expect(events.some((e) => e.type === "input.request")).toBe(false);
    expect(events.at(-1)).toMatchObject({
      type: "run.end",
      status: "failed",
      error: { code: "bad_request", message: expect.stringContaining('"draft"') },
    });
  });

  it("ends as cancelled when the run is aborted while waiting for an answer", async () => {
    const controller = new AbortController();
    const events: CrewEvent[] = [];
    const stream = crew.stream(
      { topic: "rivers" },
      { signal: controller.signal, onInputRequest: () => new Promise<string>(() => undefined) },
    );
    for await (const event of stream) {
      events.push(event);
      if (event.type === "input.request") controller.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect(events.filter((e) => e.type === "run.end")).toHaveLength(1);
  });
});
