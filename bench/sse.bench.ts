/**
 * SSE delivery: (a) fan-out of one run emitting 10,000 events to 1,000 concurrent subscribers,
 * delivered events per second through crewstream's server versus a minimal raw `node:http`
 * SSE broadcaster (target >= 0.8x), with p50/p99 latency from emit to client receipt;
 * and the p99 time to answer `GET /api/health` on a new connection while the fan-out runs
 * (target < 100 ms: fan-out must not starve new clients);
 * (b) memory per idle SSE connection at 10,000 connections (target <= 20 KB each).
 * Servers run in a child process; this process is the clients.
 */
import { request, Agent } from "node:http";
import type { ChildProcess } from "node:child_process";
import type { Interface } from "node:readline";
import { fmt, percentile, report, startHelperProcess } from "./harness.js";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE ?? 10_000);
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

interface Server {
  child: ChildProcess;
  lines: Interface;
  url: string;
  runId: string;
}

async function startServer(
  mode: string,
  events: number,
  env: Record<string, string> = {},
): Promise<Server> {
  const { child, firstLine, lines } = await startHelperProcess(
    "./fanout-server-process.ts",
    [mode, String(events)],
    env,
  );
  const { url, runId } = JSON.parse(firstLine) as { url: string; runId: string };
  return { child, lines, url, runId };
}

/** Asks the server process to exit (so profilers can write), killing it if it does not. */
async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  send(server, "exit");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

function send(server: Server, line: string): void {
  server.child.stdin?.write(`${line}\n`);
}

async function memoryOf(server: Server): Promise<number> {
  const answer = new Promise<string>((resolve) => server.lines.once("line", resolve));
  send(server, "mem");
  const mem = JSON.parse(await answer) as { rss: number };
  return mem.rss;
}

/** Opens one SSE connection; resolves when headers arrived. Counts frames and samples latency. */
function subscribe(
  server: Server,
  stats: { frames: number; latencies: number[]; done: number },
  onEnd: () => void,
): Promise<void> {
  const path = server.runId === "raw" ? "/" : `/api/runs/${server.runId}/events`;
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { agent, headers: { accept: "text/event-stream" } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        resolve();
        res.setEncoding("utf8");
        let tail = "";
        res.on("data", (chunk: string) => {
          const text = tail + chunk;
          let count = 0;
          let index = text.indexOf("\n\n");
          let last = 0;
          while (index !== -1) {
            count += 1;
            last = index + 2;
            index = text.indexOf("\n\n", last);
          }
          tail = text.slice(last);
          stats.frames += count;
          const match = /t=(\d+\.\d+);[^t]*$/.exec(text.slice(0, last));
          if (match)
            stats.latencies.push(performance.timeOrigin + performance.now() - Number(match[1]));
          if (text.slice(0, last).includes("event: run.end")) {
            stats.done += 1;
            onEnd();
          }
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * Asks `GET /api/health` on a new connection every 50 ms from a process of its own (this one is
 * busy being 1,000 subscribers) until stopped; resolves with each answer's time in ms.
 */
async function probeHealth(server: Server): Promise<{ stop(): Promise<number[]> }> {
  const { child, lines } = await startHelperProcess("./health-probe-process.ts", [server.url]);
  return {
    stop: async () => {
      const answer = new Promise<string>((resolve) => lines.once("line", resolve));
      child.stdin?.write("stop\n");
      const times = JSON.parse(await answer) as number[];
      child.kill();
      return times;
    },
  };
}

interface FanoutResult {
  rate: number;
  p50: number;
  p99: number;
  healthP99: number;
  /** From the first subscriber's arrival (late join) or `go` to the last `run.end`. */
  seconds: number;
}

/**
 * One run fanned out to SUBSCRIBERS. By default they all attach first, then the run emits as
 * fast as it can; with `late`, the run is paced (BENCH_PACE_MS per burst of 50 events) and the
 * subscribers join it while it runs, each replaying what it already wrote.
 */
async function fanout(mode: string, late = false): Promise<FanoutResult> {
  const server = await startServer(mode, EVENTS, late ? { BENCH_PACE_MS: "25" } : {});
  const health = mode === "crewstream" ? await probeHealth(server) : undefined;
  try {
    const stats = { frames: 0, latencies: [] as number[], done: 0 };
    let allDone!: () => void;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const onEnd = () => {
      if (stats.done === SUBSCRIBERS) allDone();
    };
    const joined = performance.now();
    if (late) send(server, "go");
    for (let i = 0; i < SUBSCRIBERS; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, () =>
          subscribe(server, stats, onEnd),
        ),
      );
    }
    if (!late) await new Promise((resolve) => setTimeout(resolve, 300));
    const framesBefore = late ? 0 : stats.frames;
    const start = late ? joined : performance.now();
    if (!late) send(server, "go");
    await finished;
    const seconds = (performance.now() - start) / 1000;
    const delivered = stats.frames - framesBefore;
    const healthTimes = (await health?.stop()) ?? [];
    return {
      rate: delivered / seconds,
      p50: percentile(stats.latencies, 50),
      p99: percentile(stats.latencies, 99),
      healthP99: healthTimes.length > 0 ? percentile(healthTimes, 99) : Number.NaN,
      seconds,
    };
  } finally {
    await stop(server);
  }
}

async function idleMemory(mode: string): Promise<number> {
  const server = await startServer(mode, 10);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await memoryOf(server);
    const stats = { frames: 0, latencies: [] as number[], done: 0 };
    for (let i = 0; i < IDLE_CONNECTIONS; i += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, IDLE_CONNECTIONS - i) }, () =>
          subscribe(server, stats, () => {}),
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await memoryOf(server);
    return (after - before) / IDLE_CONNECTIONS;
  } finally {
    await stop(server);
  }
}

console.log(
  `sse: fan-out of ${EVENTS} events to ${SUBSCRIBERS} subscribers; ${IDLE_CONNECTIONS} idle connections`,
);
const raw = await fanout("raw");
const rawBatched = await fanout("raw-batched");
const ours = await fanout("crewstream");
const ratio = ours.rate / raw.rate;
report("raw node:http broadcaster (events/s delivered)", fmt(raw.rate, 0));
report("raw, one write per burst (events/s delivered)", fmt(rawBatched.rate, 0));
report("crewstream SSE (events/s delivered)", fmt(ours.rate, 0));
report("fan-out throughput crewstream / raw", `${fmt(ratio)}x`, {
  ok: ratio >= 0.8,
  text: ">= 0.8x",
});
report("fan-out crewstream / raw one write per burst", `${fmt(ours.rate / rawBatched.rate)}x`);
report("latency emit->client p50 / p99, raw (ms)", `${fmt(raw.p50)} / ${fmt(raw.p99)}`);
report(
  "latency p50 / p99, raw one write per burst (ms)",
  `${fmt(rawBatched.p50)} / ${fmt(rawBatched.p99)}`,
);
report("latency emit->client p50 / p99, crewstream (ms)", `${fmt(ours.p50)} / ${fmt(ours.p99)}`);
report("GET /api/health on a new connection during fan-out, p99 (ms)", fmt(ours.healthP99), {
  ok: ours.healthP99 < 100,
  text: "< 100 ms",
});
const late = await fanout("crewstream", true);
report(
  `${SUBSCRIBERS} subscribers joining a live paced run: run + catch-up (s)`,
  `${fmt(late.seconds, 1)} (the run alone: ${fmt(((EVENTS / 50) * 25) / 1000, 1)})`,
);
report("GET /api/health on a new connection while they join, p99 (ms)", fmt(late.healthP99), {
  ok: late.healthP99 < 100,
  text: "< 100 ms",
});
const rawPerConnection = await idleMemory("raw");
const perConnection = await idleMemory("crewstream");
report("memory per idle SSE connection, raw (KB)", fmt(rawPerConnection / 1024, 1));
report("memory per idle SSE connection, crewstream (KB)", fmt(perConnection / 1024, 1), {
  ok: perConnection <= 20 * 1024,
  text: "<= 20 KB",
});
