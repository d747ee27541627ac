import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerMessage } from "../events/index.js";
import { startTestServer, type TestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

async function startRun(target: TestServer): Promise<Response> {
  return target.post("/api/runs", { crew: "duo", inputs: { topic: "salt" } });
}

const isError = (m: ServerMessage) => m.type === "error";
const isAck = (m: ServerMessage) => m.type === "ack";

describe("per-client limits", { timeout: 60_000 }, () => {
  it("counts each run a WebSocket watches against the client's stream cap", async () => {
    // Slow runs, one at a time: the others wait queued, so every watch stays open.
    server = await startTestServer({ maxStreamsPerClient: 4, maxConcurrentRuns: 1, tokenMs: 50 });
    const runIds: string[] = [];
    for (let i = 0; i < 5; i++)
      runIds.push(((await (await startRun(server)).json()) as { runId: string }).runId);
    const socket = await TestSocket.open(`${server.url.replace("http", "ws")}/api/ws`);
    try {
      // The socket holds one slot; three watches fill the other three.
      for (const runId of runIds.slice(0, 3)) {
        socket.send({ type: "subscribe", id: runId, runId });
        expect(await socket.next((m) => isAck(m) || isError(m))).toMatchObject({ type: "ack" });
      }
      socket.send({ type: "subscribe", id: "4th", runId: runIds[3] });
      expect(await socket.next(isError)).toMatchObject({ code: "too_many_requests", id: "4th" });
      socket.send({ type: "start", id: "started", crew: "duo", inputs: { topic: "x" } });
      expect(await socket.next(isError)).toMatchObject({
        code: "too_many_requests",
        id: "started",
      });
      // The same slots bound SSE streams of that client.
      expect((await server.api(`/api/runs/${runIds[4]}/events`)).status).toBe(429);
      // Unsubscribing gives a slot back.
      socket.send({ type: "unsubscribe", id: "u", runId: runIds[0] });
      await socket.next(isAck);
      socket.send({ type: "subscribe", id: "again", runId: runIds[3] });
      expect(await socket.next((m) => isAck(m) || isError(m))).toMatchObject({
        type: "ack",
        id: "again",
      });
    } finally {
      await socket.close();
    }
  });

  it("caps the unfinished runs one client may start", async () => {
    server = await startTestServer({ maxRunsPerClient: 3, maxConcurrentRuns: 1, tokenMs: 50 });
    const started: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await startRun(server);
      expect(response.status).toBe(202);
      started.push(((await response.json()) as { runId: string }).runId);
    }
    const refused = await startRun(server);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: "too_many_requests" } });
    expect((await (await server.api("/api/runs")).json()).runs).toHaveLength(3);
    // Once one of them ends, the client may start another.
    await server.post(`/api/runs/${started[2]}/cancel`, {});
    let again = await startRun(server);
    for (let i = 0; again.status === 429 && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await startRun(server);
    }
    expect(again.status).toBe(202);
  });

  it("closes connections past the per-client cap and cuts slow-header ones", async () => {
    server = await startTestServer({ maxConnectionsPerClient: 5, headersTimeoutMs: 300 });
    const port = server.port;
    const open = (): Promise<{ socket: Socket; closed: Promise<number> }> =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const socket = connect(port, "127.0.0.1", () =>
          resolve({
            socket,
            closed: new Promise((done) =>
              socket.once("close", () => done(performance.now() - started)),
            ),
          }),
        );
        socket.on("error", () => undefined);
        socket.once("error", reject);
      });
    // Five clients that send a request line and never finish their headers.
    const slow = await Promise.all(Array.from({ length: 5 }, open));
    for (const { socket } of slow) socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const sixth = await open();
    expect(await sixth.closed).toBeLessThan(1_000);
    // Slow-header connections are cut after the headers timeout.
    for (const { closed } of slow) expect(await closed).toBeLessThan(5_000);
    // And then the client is served again.
    expect((await server.api("/api/health")).status).toBe(200);
  });
});
