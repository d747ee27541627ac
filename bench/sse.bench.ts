/**
 * SSE delivery: (a) fan-out of one run emitting 10,000 events to 1,000 concurrent subscribers
 * spread over 4 client processes (so the latency is the server's, not one busy client's),
 * delivered events per second through crewstream's server versus a minimal raw `node:http`
 * SSE broadcaster that writes each burst once, as crewstream writes each committed batch
 * (target >= 0.8x; the broadcaster writing once per event is shown too), with p50/p99 latency
 * from emit to client receipt (target p99 <= 1.25x the raw broadcaster's), and again with the
 * run paced below the server's capacity (1,000 events, 50 every 200 ms), where the latency is
 * delivery rather than a queue (target p99 <= the raw broadcaster's + 5 ms);
 * and the p99 time to answer `GET /api/health` on a new connection while the fan-out runs
 * (target < 100 ms: fan-out must not starve new clients), both over the whole window (from the
 * 1,000 subscribers' connecting) and over the run alone (from its start to its end); with the
 * server process's CPU time and event-loop delay during the fan-out, next to the raw
 * broadcaster's (the wall-clock figures are noisy on a shared machine, these less so);
 * (b) memory per idle SSE connection at 10,000 connections (target <= 20 KB each).
 * Servers run in a child process; subscribers in client processes (the idle connections in
 * this one). Settings: BENCH_SUBSCRIBERS, BENCH_EVENTS, BENCH_IDLE, BENCH_SSE_CLIENTS,
 * BENCH_PACED_EVENTS, BENCH_PACED_MS.
 */
import { request, Agent } from "node:http";
import type { ChildProcess } from "node:child_process";
import type { Interface } from "node:readline";
import { ask, fmt, percentile, startHelperProcess } from "./harness.js";
import { BenchResults } from "./results.js";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE ?? 10_000);
/** The paced fan-out: events, and the pause after each burst of 50. */
const PACED_EVENTS = Number(process.env.BENCH_PACED_EVENTS ?? 1000);
const PACED_MS = Number(process.env.BENCH_PACED_MS ?? 200);
/** Client processes the subscribers are spread over. */
const CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 4);
const epoch = () => performance.timeOrigin + performance.now();
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
 * busy being 1,000 subscribers) until stopped; resolves with each answer's time in ms, and how
 * many came before `mark()`.
 */
async function probeHealth(
  server: Server,
): Promise<{ mark(): void; stop(): Promise<{ times: number[]; marked: number }> }> {
  const { child, lines } = await startHelperProcess("./health-probe-process.ts", [server.url]);
  return {
    mark: () => child.stdin?.write("mark\n"),
    stop: async () => {
      const answer = new Promise<string>((resolve) => lines.once("line", resolve));
      child.stdin?.write("stop\n");
      const result = JSON.parse(await answer) as { times: number[]; marked: number };
      child.kill();
      return result;
    },
  };
}

interface FanoutResult {
  rate: number;
  p50: number;
  p99: number;
  /** Health checks from the start of the subscribers' connecting to the end of the run. */
  healthP99: number;
  /** Health checks from the run's start (`go`) to its end, after every subscriber connected. */
  healthRunP99: number;
  /** From the first subscriber's arrival (late join) or `go` to the last `run.end`. */
  seconds: number;
  /** The server process from `go` to the last `run.end`: CPU, event-loop delay, slow drops. */
  server: { cpuMs: number; loopDelayP99: number; loopDelayMax: number; drops: number };
}

/**
 * One run fanned out to SUBSCRIBERS, spread over CLIENTS client processes. By default they all
 * attach first, then the run emits as fast as it can; with `paced`, it pauses `paceMs` after
 * each burst of 50 events; with `late`, the run is paced (25 ms per burst) and the
 * subscribers join it while it runs, each replaying what it already wrote.
 */
async function fanout(
  mode: string,
  late = false,
  paced?: { events: number; paceMs: number },
): Promise<FanoutResult> {
  const server = await startServer(
    mode,
    paced?.events ?? EVENTS,
    late ? { BENCH_PACE_MS: "25" } : paced ? { BENCH_PACE_MS: String(paced.paceMs) } : {},
  );
  const health = mode === "crewstream" ? await probeHealth(server) : undefined;
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => startHelperProcess("./sse-client-process.ts")),
  );
  try {
    const path = server.runId === "raw" ? "/" : `/api/runs/${server.runId}/events`;
    const share = (i: number) =>
      Math.floor(SUBSCRIBERS / CLIENTS) + (i < SUBSCRIBERS % CLIENTS ? 1 : 0);
    const joined = epoch();
    if (late) send(server, "go");
    await Promise.all(
      clients.map((client, i) => ask(client, `subscribe ${server.url}${path} ${share(i)}`)),
    );
    if (!late) await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(clients.map((client) => ask(client, "mark")));
    const start = late ? joined : epoch();
    if (!late) {
      health?.mark();
      send(server, "go");
    }
    const answers = await Promise.all(
      clients.map(
        async (client) =>
          JSON.parse(await ask(client, "wait")) as {
            frames: number;
            latencies: number[];
            endAt: number;
          },
      ),
    );
    const seconds = (Math.max(...answers.map((a) => a.endAt)) - start) / 1000;
    const stats = new Promise<string>((resolve) => server.lines.once("line", resolve));
    send(server, "stats");
    const serverStats = JSON.parse(await stats) as FanoutResult["server"];
    const delivered = answers.reduce((sum, a) => sum + a.frames, 0);
    const latencies = answers.flatMap((a) => a.latencies);
    const probed = (await health?.stop()) ?? { times: [], marked: 0 };
    const healthTimes = probed.times;
    const runHealthTimes = healthTimes.slice(probed.marked);
    return {
      rate: delivered / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      healthP99: healthTimes.length > 0 ? percentile(healthTimes, 99) : Number.NaN,
      healthRunP99: runHealthTimes.length > 0 ? percentile(runHealthTimes, 99) : Number.NaN,
      seconds,
      server: serverStats,
    };
  } finally {
    for (const client of clients) client.child.kill();
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

const results = new BenchResults("sse", {
  subscribers: SUBSCRIBERS,
  clientProcesses: CLIENTS,
  events: EVENTS,
  burst: 50,
  idleConnections: IDLE_CONNECTIONS,
  pacedEvents: PACED_EVENTS,
  pacedMsPerBurst: PACED_MS,
  server: "createApp on @hono/node-server, SQLite store, one run",
  streamCapPerClient: 1_000_000,
  connectionCaps: "none (the app served without listen's per-client connection limit)",
});
console.log(
  `sse: fan-out of ${EVENTS} events to ${SUBSCRIBERS} subscribers in ${CLIENTS} client processes; ${IDLE_CONNECTIONS} idle connections`,
);
const raw = await fanout("raw");
const rawBatched = await fanout("raw-batched");
const ours = await fanout("crewstream");
const ratio = ours.rate / rawBatched.rate;
results.figure("raw, one write per burst: events/s delivered", rawBatched.rate, "events/s", {
  decimals: 0,
});
results.figure("raw, one write per event: events/s delivered", raw.rate, "events/s", {
  decimals: 0,
});
results.figure("crewstream SSE: events/s delivered", ours.rate, "events/s", { decimals: 0 });
results.figure("fan-out crewstream / raw one write per burst", ratio, "x", {
  target: { ok: ratio >= 0.8, text: ">= 0.80x" },
});
results.figure("fan-out crewstream / raw one write per event", ours.rate / raw.rate, "x");
results.figure(
  "server CPU for the fan-out, raw one write per burst",
  rawBatched.server.cpuMs,
  "ms",
  {
    decimals: 0,
  },
);
results.figure("server CPU for the fan-out, crewstream", ours.server.cpuMs, "ms", { decimals: 0 });
results.figure(
  "server CPU crewstream / raw one write per burst",
  ours.server.cpuMs / rawBatched.server.cpuMs,
  "x",
);
results.figure(
  "server event-loop delay during fan-out p99, raw one write per burst",
  rawBatched.server.loopDelayP99,
  "ms",
);
results.figure(
  "server event-loop delay during fan-out p99, crewstream",
  ours.server.loopDelayP99,
  "ms",
  {
    note: `(max ${fmt(ours.server.loopDelayMax)} ms; what a new connection waits to be accepted)`,
  },
);
results.figure("subscribers dropped as slow during fan-out, crewstream", ours.server.drops, "", {
  decimals: 0,
});
results.figure("latency emit->client p50, raw one write per burst", rawBatched.p50, "ms");
results.figure("latency emit->client p99, raw one write per burst", rawBatched.p99, "ms");
results.figure("latency emit->client p50, raw one write per event", raw.p50, "ms");
results.figure("latency emit->client p99, raw one write per event", raw.p99, "ms");
results.figure("latency emit->client p50, crewstream", ours.p50, "ms");
results.figure("latency emit->client p99, crewstream", ours.p99, "ms", {
  target: {
    ok: ours.p99 <= rawBatched.p99 * 1.25,
    text: `<= 1.25x raw one write per burst (${fmt(rawBatched.p99 * 1.25)})`,
  },
});
results.figure("GET /api/health on a new connection during fan-out, p99", ours.healthP99, "ms", {
  note: "(from the subscribers' connecting to the run's end)",
  target: { ok: ours.healthP99 < 100, text: "< 100 ms" },
});
results.figure(
  "GET /api/health on a new connection during fan-out, run only, p99",
  ours.healthRunP99,
  "ms",
  {
    note: "(from the run's start, every subscriber connected, to its end)",
    target: { ok: ours.healthRunP99 < 100, text: "< 100 ms" },
  },
);
// Below the server's capacity: the latency is delivery, not a queue growing during the run.
const paced = { events: PACED_EVENTS, paceMs: PACED_MS };
const rawPaced = await fanout("raw-batched", false, paced);
const oursPaced = await fanout("crewstream", false, paced);
const pacedAt = `paced (${fmt((50 * 1000) / PACED_MS, 0)} events/s)`;
results.figure(`latency p50, ${pacedAt}, raw one write per burst`, rawPaced.p50, "ms");
results.figure(`latency p99, ${pacedAt}, raw one write per burst`, rawPaced.p99, "ms");
results.figure(`latency p50, ${pacedAt}, crewstream`, oursPaced.p50, "ms");
results.figure(`latency p99, ${pacedAt}, crewstream`, oursPaced.p99, "ms", {
  target: {
    ok: oursPaced.p99 <= rawPaced.p99 + 5,
    text: `<= raw one write per burst + 5 ms (${fmt(rawPaced.p99 + 5)})`,
  },
});
const late = await fanout("crewstream", true);
const alone = ((EVENTS / 50) * 25) / 1000;
results.figure(
  `${SUBSCRIBERS} subscribers joining a live paced run: run + catch-up`,
  late.seconds,
  "s",
  {
    decimals: 1,
    note: `(the run alone: ${fmt(alone, 1)} s)`,
    target: {
      ok: late.seconds <= alone * 1.2,
      text: `<= 1.2x the run alone (${fmt(alone * 1.2, 1)} s)`,
    },
  },
);
results.figure("GET /api/health on a new connection while they join, p99", late.healthP99, "ms", {
  target: { ok: late.healthP99 < 100, text: "< 100 ms" },
});
const rawPerConnection = await idleMemory("raw");
const perConnection = await idleMemory("crewstream");
results.figure("memory per idle SSE connection, raw", rawPerConnection / 1024, "KB", {
  decimals: 1,
});
results.figure("memory per idle SSE connection, crewstream", perConnection / 1024, "KB", {
  decimals: 1,
  target: { ok: perConnection <= 20 * 1024, text: "<= 20 KB" },
});
await results.write();
