import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { EventStamper, type ServerMessage } from "../events/index.js";
import { RunManager, type CrewRunner } from "../runs/index.js";
import { SqliteRunStore } from "../store/index.js";
import { createApp } from "./app.js";
import { StreamLimiter } from "./limits.js";
import { silentLogger } from "./logger.js";
import { attachWebSocket, WS_PATH } from "./ws-endpoint.js";

/** Events the run has written before the subscribers join (20 replay pages). */
const WRITTEN = 10_000;
const SUBSCRIBERS = 40;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A server with one live run that wrote WRITTEN events and waits for `release` to end. */
async function serverWithLongRun(): Promise<{ url: string; runId: string; release: () => void }> {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-catch-up-"));
  const store = new SqliteRunStore({ path: join(dir, "runs.db") });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const runner: CrewRunner = {
    name: "long",
    async *stream(_inputs, options) {
      const stamper = new EventStamper(options.runId ?? "long");
      yield stamper.stamp({
        type: "run.start",
        crew: "long",
        process: "sequential",
        inputs: {},
        agents: [],
        tasks: [],
      });
      for (let i = 1; i < WRITTEN; i++)
        yield stamper.stamp({ type: "text.delta", agent: "a", task: "t", delta: `${i} ` });
      await released;
      yield stamper.stamp({
        type: "run.end",
        status: "completed",
        usage: { inputTokens: 0, outputTokens: 0 },
        durationMs: 1,
      });
    },
  };
  const runs = new RunManager({ store, resolveRunner: async () => runner });
  const app = createApp({
    runs,
    catalog: { list: async () => [] },
    maxStreamsPerClient: 1_000,
    webRoot: false,
    logger: silentLogger,
  });
  const server: ServerType = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  const sockets = attachWebSocket(server as Server, {
    runs,
    logger: silentLogger,
    limiter: new StreamLimiter(1_000),
  });
  const run = await runs.start({ inputs: {} });
  // Wait until everything before the pause is durable: the joiners replay it from the store.
  while ((await store.readEvents(run.id, WRITTEN - 1, 1)).length === 0)
    await new Promise((resolve) => setTimeout(resolve, 10));
  cleanup.push(async () => {
    release();
    await runs.close();
    await sockets.close();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    runId: run.id,
    release,
  };
}

/** One SSE subscriber from the start: the seqs it received, in order. */
function subscribe(url: string, agent: Agent, seqs: number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.setEncoding("utf8");
      let tail = "";
      res.on("data", (chunk: string) => {
        const text = tail + chunk;
        const end = text.lastIndexOf("\n\n") + 2;
        for (const match of text.slice(0, end).matchAll(/^id: (\d+)$/gm))
          seqs.push(Number(match[1]));
        tail = text.slice(end);
      });
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** One open WebSocket; `watch` subscribes it from the start and collects the seqs it receives, in order, until run.end. */
async function openSocket(url: string): Promise<{
  watch: (runId: string, seqs: number[]) => Promise<void>;
  close: () => void;
}> {
  const ws = new WebSocket(`${url.replace("http", "ws")}${WS_PATH}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    watch: (runId, seqs) =>
      new Promise((resolve, reject) => {
        ws.on("message", (data: Buffer) => {
          const message = JSON.parse(data.toString("utf8")) as ServerMessage;
          if (message.type === "error") reject(new Error(message.message));
          if (message.type !== "event") return;
          seqs.push(message.event.seq);
          if (message.event.type === "run.end") resolve();
        });
        ws.send(JSON.stringify({ type: "subscribe", runId }));
      }),
    close: () => ws.close(),
  };
}

/** Resolves once `/api/health` answered, with how many events the watchers had received by then. */
function healthAfter(
  url: string,
  agent: Agent,
  received: number[][],
): Promise<{ status: number; sentBefore: number; partway: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/health`, { agent }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          sentBefore: received.reduce((sum, seqs) => sum + seqs.length, 0),
          partway: received.filter((seqs) => seqs.length > 0 && seqs.length < WRITTEN).length,
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("watchers catching up on a long live run", () => {
  it("do not keep a new connection waiting: health is answered before most of the catch-up is sent", async () => {
    const { url, runId, release } = await serverWithLongRun();
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const received = Array.from({ length: SUBSCRIBERS }, () => [] as number[]);
    // All join at once, and the health check connects right behind them: the server accepts
    // one connection per turn of its event loop, so it waits for as many turns as joiners.
    const done = received.map((seqs) => subscribe(`${url}/api/runs/${runId}/events`, agent, seqs));
    const health = await healthAfter(url, agent, received);
    expect(health.status).toBe(200);
    // Every joiner has WRITTEN events to catch up on. With catch-up work filling each turn
    // of the loop, almost all of it was sent before the health check got its turn.
    expect(health.sentBefore).toBeLessThan((SUBSCRIBERS * WRITTEN) / 2);
    // Catch-ups go oldest first rather than all at once: only a few are part-way.
    expect(health.partway).toBeLessThan(SUBSCRIBERS / 2);

    release();
    await Promise.all(done);
    const all = Array.from({ length: WRITTEN + 1 }, (_, i) => i + 1);
    // Each subscriber got the whole log once, in order, ending with run.end.
    for (const seqs of received) expect(seqs).toEqual(all);
    agent.destroy();
  }, 60_000);

  it("over WebSockets too: subscribers catching up take turns with new connections", async () => {
    const { url, runId, release } = await serverWithLongRun();
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const sockets = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => openSocket(url)));
    const received = sockets.map(() => [] as number[]);
    // Every socket subscribes from the start at once, and the health check comes right behind.
    const done = sockets.map((socket, i) => socket.watch(runId, received[i]!));
    // A subscription refused early fails the test at the end, not as an unhandled rejection.
    const settled = Promise.allSettled(done);
    const health = await healthAfter(url, agent, received);
    expect(health.status).toBe(200);
    expect(health.sentBefore).toBeLessThan((SUBSCRIBERS * WRITTEN) / 2);
    expect(health.partway).toBeLessThan(SUBSCRIBERS / 2);

    release();
    expect((await settled).filter((outcome) => outcome.status === "rejected")).toEqual([]);
    const all = Array.from({ length: WRITTEN + 1 }, (_, i) => i + 1);
    for (const seqs of received) expect(seqs).toEqual(all);
    for (const socket of sockets) socket.close();
    agent.destroy();
  }, 60_000);
});
