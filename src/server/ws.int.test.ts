import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import type { ServerMessage } from "../events/index.js";
import { assertCompleteRun, collectSse } from "./test-support/sse-client.js";
import { startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

let fast: TestServer;
let slow: TestServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  fast = await startTestServer();
  slow = await startTestServer({ tokenMs: 3 });
});
afterAll(async () => {
  for (const socket of sockets) await socket.close();
  await fast.cleanup();
  await slow.cleanup();
});

async function connect(
  server: TestServer,
  query = "",
  headers: Record<string, string> = {},
): Promise<TestSocket> {
  const socket = await TestSocket.open(
    `${server.url.replace(/^http/, "ws")}/api/ws${query}`,
    headers,
  );
  sockets.push(socket);
  return socket;
}

const isAck = (id: string) => (m: ServerMessage) => m.type === "ack" && m.id === id;
const isError = (id?: string) => (m: ServerMessage) => m.type === "error" && m.id === id;

describe("WebSocket /api/ws", () => {
  it("starts a run: ack with the run id first, then every event until run.end", async () => {
    const socket = await connect(fast);
    socket.send({ type: "start", id: "s1", crew: "duo", inputs: { topic: "bees" } });
    const first = await socket.next();
    expect(first).toMatchObject({ type: "ack", id: "s1" });
    const runId = first.type === "ack" ? first.runId : "";
    const events = await socket.eventsUntilEnd(runId);
    assertCompleteRun(events);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const run = await (await fast.api(`/api/runs/${runId}`)).json();
    expect(run).toMatchObject({ status: "completed", source: "ws" });
  });

  it("watches several runs on one socket", async () => {
    const socket = await connect(slow);
    socket.send({ type: "start", id: "a", crew: "duo", inputs: { topic: "ants" } });
    socket.send({ type: "start", id: "b", crew: "duo", inputs: { topic: "bats" } });
    const [a, b] = await Promise.all([socket.next(isAck("a")), socket.next(isAck("b"))]);
    if (a.type !== "ack" || b.type !== "ack") throw new Error("expected acks");
    expect(a.runId).not.toBe(b.runId);
    const [eventsA, eventsB] = await Promise.all([
      socket.eventsUntilEnd(a.runId),
      socket.eventsUntilEnd(b.runId),
    ]);
    assertCompleteRun(eventsA);
    assertCompleteRun(eventsB);
    expect((eventsA[0] as Extract<CrewEvent, { type: "run.start" }>).inputs).toEqual({
      topic: "ants",
    });
    expect((eventsB[0] as Extract<CrewEvent, { type: "run.start" }>).inputs).toEqual({
      topic: "bats",
    });
  });

  it("subscribes to a run from a cursor", async () => {
    const started = await fast.post("/api/runs", { crew: "duo", inputs: { topic: "elk" } });
    const { runId } = (await started.json()) as { runId: string };
    const all = await collectSse(await fast.api(`/api/runs/${runId}/events`));
    const socket = await connect(fast);
    socket.send({ type: "subscribe", id: "sub", runId, after: 4 });
    expect(await socket.next()).toEqual({ type: "ack", id: "sub", runId });
    expect(await socket.eventsUntilEnd(runId)).toEqual(all.slice(4));
  });

  it("cancels a run mid-stream", async () => {
    const socket = await connect(slow);
    socket.send({ type: "start", id: "c", crew: "duo", inputs: { topic: "owls" } });
    const ack = await socket.next(isAck("c"));
    const runId = ack.type === "ack" ? ack.runId : "";
    await socket.next((m) => m.type === "event" && m.event.type === "text.delta");
    socket.send({ type: "cancel", id: "x", runId });
    const events = await socket.eventsUntilEnd(runId);
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    expect(await socket.next(isAck("x"))).toEqual({ type: "ack", id: "x", runId });
  });

  it("answers human input", async () => {
    const socket = await connect(fast);
    socket.send({ type: "start", id: "h", crew: "review" });
    const ack = await socket.next(isAck("h"));
    const runId = ack.type === "ack" ? ack.runId : "";
    const request = await socket.next(
      (m) => m.type === "event" && m.event.type === "input.request",
    );
    if (request.type !== "event" || request.event.type !== "input.request")
      throw new Error("expected input.request");
    socket.send({
      type: "input",
      id: "i",
      runId,
      requestId: request.event.requestId,
      text: "Ship it.",
    });
    expect(await socket.next(isAck("i"))).toEqual({ type: "ack", id: "i", runId });
    const rest = await socket.eventsUntilEnd(runId);
    expect(rest).toContainEqual(
      expect.objectContaining({ type: "input.response", text: "Ship it." }),
    );
    expect(rest.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  });

  it("unsubscribes: no more events of that run, and the run goes on", async () => {
    const socket = await connect(slow);
    socket.send({ type: "start", id: "u", crew: "duo", inputs: { topic: "yaks" } });
    const ack = await socket.next(isAck("u"));
    const runId = ack.type === "ack" ? ack.runId : "";
    await socket.next((m) => m.type === "event" && m.event.type === "text.delta");
    socket.send({ type: "unsubscribe", id: "un", runId });
    await socket.next(isAck("un"));
    const afterAck = socket.messages.length;
    const all = await collectSse(await slow.api(`/api/runs/${runId}/events`));
    expect(all.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    // A round trip after the run ended: anything still queued for the old watch would be here.
    socket.send({ type: "subscribe", id: "again", runId, after: all.length });
    await socket.next(isAck("again"));
    expect(
      socket.messages.slice(afterAck).filter((m) => m.type === "event" && m.event.runId === runId),
    ).toEqual([]);
  });

  it("answers malformed frames with errors and keeps the socket open", async () => {
    const socket = await connect(fast);
    const frames = [
      "{",
      "[]",
      '"start"',
      JSON.stringify({ type: "launch", id: "t1" }),
      JSON.stringify({ type: "start" }),
      JSON.stringify({ type: "start", id: "t2", inputs: "topic" }),
      JSON.stringify({ type: "subscribe", id: "t3" }),
      JSON.stringify({ type: "subscribe", id: "t4", runId: "r", after: -1 }),
      JSON.stringify({ type: "cancel", id: "t5", runId: 5 }),
      JSON.stringify({ type: "input", id: "t6", runId: "r", requestId: "q" }),
    ];
    for (const frame of frames) socket.send(frame);
    for (let i = 0; i < frames.length; i += 1) {
      const message = await socket.next((m) => m.type === "error");
      expect(message).toMatchObject({ type: "error", code: "bad_request" });
    }
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await socket.next((m) => m.type === "error")).toMatchObject({ code: "bad_request" });

    socket.send({ type: "subscribe", id: "missing", runId: "no-such-run" });
    expect(await socket.next(isError("missing"))).toMatchObject({ code: "run_not_found" });
    socket.send({ type: "start", id: "nocrew", crew: "nope" });
    expect(await socket.next(isError("nocrew"))).toMatchObject({ code: "crew_not_found" });
    socket.send({ type: "start", id: "traversal", crew: "../duo" });
    expect(await socket.next(isError("traversal"))).toMatchObject({ type: "error" });
    socket.send({ type: "cancel", id: "c404", runId: "no-such-run" });
    expect(await socket.next(isError("c404"))).toMatchObject({ code: "run_not_found" });

    // Still open and serving.
    socket.send({ type: "start", id: "ok", crew: "duo", inputs: { topic: "newts" } });
    const ack = await socket.next(isAck("ok"));
    assertCompleteRun(await socket.eventsUntilEnd(ack.type === "ack" ? ack.runId : ""));
    expect(socket.closed).toBeUndefined();
  });

  it("refuses frames over 1 MB by closing the socket", async () => {
    const socket = await connect(fast);
    socket.send({ type: "start", id: "big", inputs: { topic: "x".repeat(1_100_000) } });
    await expect(socket.next()).rejects.toThrow(/closed/);
    expect(socket.closed?.code).toBe(1009);
  });

  it("cancels a run started with onDisconnect cancel when its socket closes", async () => {
    const socket = await connect(slow);
    socket.send({
      type: "start",
      id: "d",
      crew: "duo",
      inputs: { topic: "gnus" },
      onDisconnect: "cancel",
    });
    const ack = await socket.next(isAck("d"));
    const runId = ack.type === "ack" ? ack.runId : "";
    await socket.next((m) => m.type === "event" && m.event.type === "text.delta");
    await socket.close();
    const events = await collectSse(await slow.api(`/api/runs/${runId}/events`));
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
  });
});

describe("WebSocket authentication", () => {
  it("refuses pages from other origins and accepts its own and clients without an Origin", async () => {
    const base = `${fast.url.replace(/^http/, "ws")}/api/ws`;
    await expect(TestSocket.open(base, { origin: "http://evil.example" })).rejects.toThrow(/401/);
    const own = await TestSocket.open(base, { origin: fast.url });
    const none = await TestSocket.open(base);
    await own.close();
    await none.close();
  });

  it("needs the token in the Authorization header or ?token=", async () => {
    const secured = await startTestServer({ token: "ws-token" });
    try {
      const base = `${secured.url.replace(/^http/, "ws")}/api/ws`;
      await expect(TestSocket.open(base)).rejects.toThrow(/401/);
      await expect(TestSocket.open(`${base}?token=nope`)).rejects.toThrow(/401/);
      const byQuery = await TestSocket.open(`${base}?token=ws-token`);
      const byHeader = await TestSocket.open(base, { authorization: "Bearer ws-token" });
      byHeader.send({ type: "subscribe", id: "s", runId: "none" });
      expect(await byHeader.next()).toMatchObject({
        type: "error",
        id: "s",
        code: "run_not_found",
      });
      await byQuery.close();
      await byHeader.close();
    } finally {
      await secured.cleanup();
    }
  });
});
