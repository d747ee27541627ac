import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { toSseFrame } from "../transport/index.js";
import { assertCompleteRun, collectJsonl, collectSse, readSse } from "./test-support/sse-client.js";
import { startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";

let fast: TestServer;
let slow: TestServer;

beforeAll(async () => {
  fast = await startTestServer();
  // A paced model, so runs last long enough to reconnect, watch concurrently and cancel.
  slow = await startTestServer({ tokenMs: 3 });
});
afterAll(async () => {
  await fast.cleanup();
  await slow.cleanup();
});

/** A small deterministic PRNG, so the random reconnect points are reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function startBackground(
  server: TestServer,
  body: unknown = { crew: "duo", inputs: { topic: "bees" } },
): Promise<string> {
  const response = await server.post("/api/runs", body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { runId: string }).runId;
}

async function fullLog(server: TestServer, runId: string): Promise<CrewEvent[]> {
  return collectSse(await server.api(`/api/runs/${runId}/events`));
}

describe("POST /api/crew/stream", () => {
  it("streams a run to completion with SSE framing, headers and X-Run-Id", async () => {
    const response = await fast.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "bees" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    const runId = response.headers.get("x-run-id");
    expect(runId).toBeTruthy();

    const stats = { comments: 0, raw: "" };
    const events: CrewEvent[] = [];
    let frames = "";
    for await (const message of readSse(response.body!, stats)) {
      events.push(message.crewEvent);
      frames += `id: ${message.id}\nevent: ${message.event}\ndata: ${message.data}\n\n`;
      expect(JSON.parse(message.data)).toEqual(message.crewEvent);
    }
    assertCompleteRun(events);
    expect(events.every((event) => event.runId === runId)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    expect(events.some((event) => event.type === "text.delta")).toBe(true);
    // Nothing but frames of exactly this shape (and possibly pings) is on the wire.
    expect(stats.raw.replaceAll(": ping\n\n", "")).toBe(frames);
    expect(toSseFrame(events[0]!)).toMatch(/^id: 1\nevent: run\.start\ndata: \{.*\}\n\n$/);

    const run = await (await fast.api(`/api/runs/${runId}`)).json();
    expect(run).toMatchObject({
      id: runId,
      crew: "duo",
      status: "completed",
      lastSeq: events.length,
    });
    expect(run.summary).toBeDefined();
    const list = await (await fast.api("/api/runs")).json();
    expect(list.runs.map((r: { id: string }) => r.id)).toContain(runId);
  });

  it("answers JSONL when the client accepts application/x-ndjson", async () => {
    const response = await fast.post(
      "/api/crew/stream",
      { crew: "duo", inputs: { topic: "ants" } },
      { accept: "application/x-ndjson" },
    );
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const events = await collectJsonl(response);
    assertCompleteRun(events);
    expect(events.every((event) => event.runId === response.headers.get("x-run-id"))).toBe(true);
  });
});

describe("headers of a stream written by the Node server", () => {
  it("carries the CORS headers of an allowed origin next to its own", async () => {
    const server = await startTestServer({ corsOrigins: ["http://ui.example"] });
    try {
      const runId = await startBackground(server);
      const response = await server.api(`/api/runs/${runId}/events`, {
        headers: { origin: "http://ui.example" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("http://ui.example");
      expect(response.headers.get("access-control-expose-headers")).toMatch(/x-run-id/i);
      expect(response.headers.get("vary")).toMatch(/origin/i);
      expect(response.headers.get("x-run-id")).toBe(runId);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      assertCompleteRun(await collectSse(response));
      const other = await server.api(`/api/runs/${runId}/events`, {
        headers: { origin: "http://evil.example" },
      });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      assertCompleteRun(await collectSse(other));
    } finally {
      await server.cleanup();
    }
  });
});

describe("GET /api/runs/:id/events", () => {
  it("replays a finished run from the start, from ?after= and from Last-Event-ID, which wins", async () => {
    const runId = await startBackground(fast);
    const all = await fullLog(fast, runId);
    assertCompleteRun(all);
    expect(await collectSse(await fast.api(`/api/runs/${runId}/events?after=3`))).toEqual(
      all.slice(3),
    );
    const headerWins = await fast.api(`/api/runs/${runId}/events?after=1`, {
      headers: { "last-event-id": "5" },
    });
    expect(await collectSse(headerWins)).toEqual(all.slice(5));
    expect(
      await collectSse(await fast.api(`/api/runs/${runId}/events?after=${all.length}`)),
    ).toEqual([]);
    const jsonl = await fast.api(`/api/runs/${runId}/events?after=2`, {
      headers: { accept: "application/x-ndjson" },
    });
    expect(await collectJsonl(jsonl)).toEqual(all.slice(2));
  });

  it("gives every event exactly once across many reconnects with Last-Event-ID at random moments", async () => {
    const runId = await startBackground(slow);
    const next = random(7);
    const seen: CrewEvent[] = [];
    let reconnects = 0;
    while (seen.at(-1)?.type !== "run.end") {
      const abort = new AbortController();
      const headers: Record<string, string> =
        seen.length > 0 ? { "last-event-id": String(seen.at(-1)!.seq) } : {};
      const response = await slow.api(`/api/runs/${runId}/events`, {
        headers,
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      const budget = 1 + Math.floor(next() * 25);
      let read = 0;
      try {
        for await (const message of readSse(response.body!)) {
          seen.push(message.crewEvent);
          read += 1;
          if (read >= budget && message.crewEvent.type !== "run.end") break;
        }
      } finally {
        abort.abort();
      }
      reconnects += 1;
    }
    assertCompleteRun(seen);
    expect(reconnects).toBeGreaterThan(3);
    expect(seen).toEqual(await fullLog(slow, runId));
  });

  it("serves two concurrent watchers of one live run the same events", async () => {
    const runId = await startBackground(slow);
    const [a, b] = await Promise.all([fullLog(slow, runId), fullLog(slow, runId)]);
    assertCompleteRun(a);
    expect(b).toEqual(a);
  });

  it("does not let a consumer that reads nothing stall a fast one", async () => {
    const runId = await startBackground(slow);
    const stalled = await slow.api(`/api/runs/${runId}/events`);
    expect(stalled.status).toBe(200);
    // The fast watcher finishes the whole run while the other has not read a byte.
    const fastEvents = await fullLog(slow, runId);
    assertCompleteRun(fastEvents);
    expect(await collectSse(stalled)).toEqual(fastEvents);
  });
});

describe("cancel and disconnect", () => {
  it("cancels mid-stream: the stream ends with run.end cancelled", async () => {
    const response = await slow.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "owls" },
    });
    const runId = response.headers.get("x-run-id")!;
    const events: CrewEvent[] = [];
    let cancelled = false;
    for await (const message of readSse(response.body!)) {
      events.push(message.crewEvent);
      if (!cancelled && message.crewEvent.type === "text.delta") {
        cancelled = true;
        const cancel = await slow.api(`/api/runs/${runId}/cancel`, { method: "POST" });
        expect(cancel.status).toBe(200);
      }
    }
    assertCompleteRun(events);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect(events.filter((event) => event.type === "task.end")).toHaveLength(0);
    const run = await (await slow.api(`/api/runs/${runId}`)).json();
    expect(run.status).toBe("cancelled");
  });

  it("closing the stream detaches only: the run goes on to completion", async () => {
    const response = await slow.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "moss" },
    });
    const runId = response.headers.get("x-run-id")!;
    // Leaving the loop cancels the body, which closes the connection.
    for await (const message of readSse(response.body!))
      if (message.crewEvent.type === "text.delta") break;
    const rest = await fullLog(slow, runId);
    assertCompleteRun(rest);
    expect(rest.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("closing the stream cancels the run when it was started with onDisconnect cancel", async () => {
    const response = await slow.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "fern" },
      onDisconnect: "cancel",
    });
    const runId = response.headers.get("x-run-id")!;
    for await (const message of readSse(response.body!))
      if (message.crewEvent.type === "text.delta") break;
    // Polling the status (not watching, which would count as a watcher) until the server notices.
    await expect
      .poll(
        async () =>
          ((await (await slow.api(`/api/runs/${runId}`)).json()) as { status: string }).status,
        { timeout: 20_000 },
      )
      .toBe("cancelled");
    const rest = await fullLog(slow, runId);
    assertCompleteRun(rest);
    expect(rest.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
  });
});

describe("human input over HTTP", () => {
  it("answers an input.request and refuses answers to a finished run", async () => {
    const response = await fast.post("/api/crew/stream", { crew: "review", inputs: {} });
    const runId = response.headers.get("x-run-id")!;
    const events: CrewEvent[] = [];
    for await (const message of readSse(response.body!)) {
      const event = message.crewEvent;
      events.push(event);
      if (event.type === "input.request") {
        const answer = await fast.post(`/api/runs/${runId}/input`, {
          requestId: event.requestId,
          text: "Looks good.",
        });
        expect(answer.status).toBe(200);
      }
    }
    assertCompleteRun(events);
    const request = events.find((event) => event.type === "input.request");
    expect(events).toContainEqual(
      expect.objectContaining({ type: "input.response", text: "Looks good." }),
    );
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const late = await fast.post(`/api/runs/${runId}/input`, {
      requestId: request!.type === "input.request" ? request!.requestId : "",
      text: "again",
    });
    expect(late.status).toBe(409);
    expect((await late.json()).error.code).toBe("conflict");
  });
});
