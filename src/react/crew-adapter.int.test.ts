import type { ChatModelRunOptions, ChatModelRunResult, ThreadMessage } from "@assistant-ui/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrewClient } from "../client/index.js";
import type { RunProgress } from "../client/index.js";
import { startRealServer } from "../client/test-support/real-server.js";
import type { RealServer } from "../client/test-support/real-server.js";
import type { CrewEvent } from "../events/index.js";
import { createCrewAdapter } from "./crew-adapter.js";
import { CREW_PROGRESS_PART } from "./crew-message.js";
import type { CrewProgressData } from "./crew-message.js";

let real: RealServer;
let client: CrewClient;

beforeAll(async () => {
  real = await startRealServer({ tokenMs: 2 });
  client = new CrewClient({ baseUrl: real.url });
});
afterAll(() => real.close());

function userMessage(text: string): ThreadMessage {
  return {
    id: "u1",
    role: "user",
    createdAt: new Date(),
    content: [{ type: "text", text }],
    attachments: [],
    metadata: { custom: {} },
  };
}

function runOptions(
  text: string,
  signal: AbortSignal,
  custom: Record<string, unknown> = {},
): ChatModelRunOptions {
  return {
    messages: [userMessage(text)],
    runConfig: { custom },
    abortSignal: signal,
    context: {},
    unstable_getMessage: () => userMessage(text),
  };
}

function progressOf(result: ChatModelRunResult): CrewProgressData {
  const part = result.content?.find((p) => p.type === "data" && p.name === CREW_PROGRESS_PART);
  if (!part || part.type !== "data") throw new Error("no progress part");
  return part.data as CrewProgressData;
}

function textOf(result: ChatModelRunResult): string {
  return result.content?.map((p) => (p.type === "text" ? p.text : "")).join("") ?? "";
}

async function lastEvent(runId: string): Promise<CrewEvent | undefined> {
  let last: CrewEvent | undefined;
  for await (const event of client.subscribe(runId)) last = event;
  return last;
}

describe("createCrewAdapter against a real server", () => {
  it("streams a run into the message and ends with the result as its text", async () => {
    const started: string[] = [];
    const ended: RunProgress[] = [];
    const adapter = createCrewAdapter({
      client,
      crew: "research-crew",
      onRunStart: (id) => started.push(id),
      onRunEnd: (p) => ended.push(p),
    });
    const results: ChatModelRunResult[] = [];
    for await (const result of adapter.run(
      runOptions("coral reefs", new AbortController().signal),
    ) as AsyncGenerator<ChatModelRunResult>) {
      results.push(result);
    }
    const final = results.at(-1);
    if (!final) throw new Error("no results");
    const runId = started[0] ?? "";
    const run = await client.getRun(runId);
    expect(run).toMatchObject({ status: "completed", inputs: { topic: "coral reefs" } });
    expect(textOf(final)).toBe(run.result);
    expect(final.status).toEqual({ type: "complete", reason: "stop" });
    expect(final.metadata?.custom).toEqual({ runId, runStatus: "completed" });
    const { progress } = progressOf(final);
    expect(progress.tasks.map((t) => t.status)).toEqual(["completed", "completed", "completed"]);
    expect(ended[0]?.status).toBe("completed");
    // Updates are batched: far fewer message updates than events.
    expect(results.length).toBeLessThan(progress.lastSeq);
  });

  it("cancels the run on the server when the message is stopped", async () => {
    const controller = new AbortController();
    let runId = "";
    const adapter = createCrewAdapter({
      client,
      crew: "research-crew",
      onRunStart: (id) => (runId = id),
    });
    for await (const result of adapter.run(
      runOptions("glaciers", controller.signal),
    ) as AsyncGenerator<ChatModelRunResult>) {
      if (progressOf(result).progress.tasks.some((t) => t.segments.length > 0)) controller.abort();
    }
    expect(await lastEvent(runId)).toMatchObject({ type: "run.end", status: "cancelled" });
  });

  it("only detaches when assistant-ui switches threads (a detach abort): the run completes", async () => {
    const controller = new AbortController();
    let runId = "";
    const adapter = createCrewAdapter({
      client,
      crew: "research-crew",
      threadId: "detached-thread",
      onRunStart: (id) => (runId = id),
    });
    for await (const result of adapter.run(
      runOptions("fjords", controller.signal),
    ) as AsyncGenerator<ChatModelRunResult>) {
      // What assistant-ui's thread runtime aborts with when its thread is switched away from.
      if (progressOf(result).progress.tasks.some((t) => t.segments.length > 0))
        controller.abort(Object.assign(new Error("detached"), { detach: true }));
    }
    expect(await lastEvent(runId)).toMatchObject({ type: "run.end", status: "completed" });
    expect((await client.getRun(runId)).threadId).toBe("detached-thread");
  });

  it("attaches to an existing run by id and replays it", async () => {
    const { runId } = await client.startRun({
      crew: "research-crew",
      inputs: { topic: "volcanoes" },
    });
    const adapter = createCrewAdapter({ client });
    let final: ChatModelRunResult | undefined;
    for await (const result of adapter.run(
      runOptions("volcanoes", new AbortController().signal, { runId }),
    ) as AsyncGenerator<ChatModelRunResult>) {
      final = result;
    }
    const run = await client.getRun(runId);
    expect(final && textOf(final)).toBe(run.result);
    expect(final && progressOf(final).progress.runId).toBe(runId);
  });

  it("throws the server's error when the run cannot start", async () => {
    const adapter = createCrewAdapter({ client, crew: "missing-crew" });
    const generator = adapter.run(
      runOptions("x", new AbortController().signal),
    ) as AsyncGenerator<ChatModelRunResult>;
    await expect(generator.next()).rejects.toMatchObject({ code: "crew_not_found" });
  });
});
