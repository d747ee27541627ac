/**
 * The server side of the SSE benchmarks, in its own process. Mode `crewstream` serves the real
 * app (Hono on @hono/node-server, run manager, SQLite store) with one run whose runner waits
 * for `go` on stdin, then emits EVENTS text deltas as fast as it can; mode `raw` is a minimal
 * `node:http` SSE broadcaster writing the same frames to every open response, one write per
 * event; mode `raw-batched` writes each burst of events as one buffer (as crewstream does with
 * each committed batch). Each delta
 * carries its emit time (`t=<epoch ms>;`) so clients can measure latency. Prints one JSON line
 * `{ url, runId }`; answers `mem` on stdin with its memory use after a GC, and `stats` with
 * what the process did since `go`: `{ cpuMs, loopDelayP99, loopDelayMax, drops }` (CPU time,
 * event-loop delay in ms, subscribers dropped as slow).
 */
import { createServer, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type * as Events from "../src/events/index.js";
import type * as Runs from "../src/runs/index.js";
import type * as Server from "../src/server/index.js";
import type * as Logger from "../src/server/logger.js";
import type * as Store from "../src/store/index.js";
import { loadBuilt } from "./built.js";

// The package as built (what `crewstream serve` runs), not the TypeScript sources through tsx.
const { EventStamper } = await loadBuilt<typeof Events>("events/index.js");
const { RunManager } = await loadBuilt<typeof Runs>("runs/index.js");
const { createApp } = await loadBuilt<typeof Server>("server/index.js");
const { silentLogger } = await loadBuilt<typeof Logger>("server/logger.js");
const { SqliteRunStore } = await loadBuilt<typeof Store>("store/index.js");

const mode = process.argv[2] ?? "crewstream";
const EVENTS = Number(process.argv[3] ?? 10_000);
const BURST = 50;
/**
 * Pause after each burst (0: none), so subscribers can join a live run, or so the emit rate
 * stays below what the server can deliver and the latency is the server's, not a queue's.
 */
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let release!: () => void;
const go = new Promise<void>((resolve) => (release = resolve));
/** From `go` on: CPU time, and how late the event loop turns (what a new connection waits). */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let cpuAtGo = process.cpuUsage();
void go.then(() => {
  cpuAtGo = process.cpuUsage();
  loopDelay.enable();
});
/** Subscribers of the crewstream run dropped as too slow. */
let drops = 0;
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

/** The crewstream server's database folder, removed on `exit`. */
const scratch = mkdtempSync(join(tmpdir(), "crewstream-fanout-"));
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line === "go") release();
  if (line === "exit") {
    rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  }
  if (line === "stats") {
    const cpu = process.cpuUsage(cpuAtGo);
    process.stdout.write(
      `${JSON.stringify({
        cpuMs: (cpu.user + cpu.system) / 1000,
        // The histogram counts the 5 ms resolution in; what is beyond it is the delay.
        loopDelayP99: Math.max(0, loopDelay.percentile(99) / 1e6 - 5),
        loopDelayMax: Math.max(0, loopDelay.max / 1e6 - 5),
        drops,
      })}\n`,
    );
  }
  if (line === "mem") {
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`,
    );
  }
});

if (mode === "raw" || mode === "raw-batched") {
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
  let pending = "";
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
    if (mode === "raw") {
      for (const res of clients) res.write(frame);
    } else {
      pending += frame;
    }
    if (i % BURST === 0 || i === EVENTS - 1) {
      // raw-batched: one buffer per burst, written to every client.
      if (pending !== "") {
        const bytes = Buffer.from(pending);
        pending = "";
        for (const res of clients) res.write(bytes);
      }
      await (PACE_MS > 0 ? sleep(PACE_MS) : nextTick());
    }
  }
} else {
  const runner: Runs.CrewRunner = {
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
        if (i % BURST === 0) await (PACE_MS > 0 ? sleep(PACE_MS) : nextTick());
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
    path: join(scratch, "bench.db"),
  });
  const runs = new RunManager({
    store,
    resolveRunner: async () => runner,
    observer: { slowConsumerDropped: () => (drops += 1) },
  });
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
