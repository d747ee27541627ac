/**
 * The server side of the SSE benchmarks, in its own process. Mode `crewstream` serves the real
 * app (Hono on @hono/node-server, run manager, SQLite store) with one run whose runner waits
 * for `go` on stdin, then emits EVENTS text deltas as fast as it can; mode `raw` is a minimal
 * `node:http` SSE broadcaster writing the same frames to every open response. Each delta
 * carries its emit time (`t=<epoch ms>;`) so clients can measure latency. Prints one JSON line
 * `{ url, runId }`; answers `mem` on stdin with its memory use after a GC.
 */
import { createServer, type ServerResponse } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { EventStamper } from "../src/events/index.js";
import { RunManager, type CrewRunner } from "../src/runs/index.js";
import { createApp } from "../src/server/index.js";
import { silentLogger } from "../src/server/logger.js";
import { SqliteRunStore } from "../src/store/index.js";

const mode = process.argv[2] ?? "crewstream";
const EVENTS = Number(process.argv[3] ?? 10_000);
const BURST = 50;

let release!: () => void;
const go = new Promise<void>((resolve) => (release = resolve));
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line === "go") release();
  if (line === "exit") process.exit(0);
  if (line === "mem") {
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`,
    );
  }
});

if (mode === "raw") {
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    clients.add(res);
    req.on("close", () => clients.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, runId: "raw" })}\n`,
  );
  await go;
  const stamper = new EventStamper("raw");
  for (let i = 0; i < EVENTS; i++) {
    const type = i === EVENTS - 1 ? "run.end" : "text.delta";
    const event =
      type === "run.end"
        ? stamper.stamp({
            type: "run.end",
            status: "completed",
            usage: { inputTokens: 0, outputTokens: 0 },
            durationMs: 0,
          })
        : stamper.stamp({
            type: "text.delta",
            agent: "writer",
            task: "draft",
            delta: `t=${now()};`,
          });
    const frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of clients) res.write(frame);
    if (i % BURST === 0) await nextTick();
  }
} else {
  const runner: CrewRunner = {
    name: "fanout",
    async *stream(_inputs, options) {
      const stamper = new EventStamper(options.runId ?? "fanout");
      yield stamper.stamp({
        type: "run.start",
        crew: "fanout",
        process: "sequential",
        inputs: {},
        agents: [],
        tasks: [],
      });
      await go;
      for (let i = 0; i < EVENTS - 2; i++) {
        yield stamper.stamp({
          type: "text.delta",
          agent: "writer",
          task: "draft",
          delta: `t=${now()};`,
        });
        if (i % BURST === 0) await nextTick();
      }
      yield stamper.stamp({
        type: "run.end",
        status: "completed",
        usage: { inputTokens: 0, outputTokens: 0 },
        durationMs: 0,
      });
    },
  };
  const store = new SqliteRunStore({
    path: join(mkdtempSync(join(tmpdir(), "crewstream-fanout-")), "bench.db"),
  });
  const runs = new RunManager({ store, resolveRunner: async () => runner });
  const app = createApp({
    runs,
    catalog: { list: async () => [] },
    maxStreamsPerClient: 1_000_000,
    webRoot: false,
    logger: silentLogger,
  });
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  const run = await runs.start({ inputs: {} });
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, runId: run.id })}\n`,
  );
}
