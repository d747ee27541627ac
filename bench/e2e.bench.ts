/**
 * End to end: what a web app gets from `POST /api/crew/stream`, against two floors measured in
 * the same run. The workload is a 3-agent crew, 3 x 200 tokens, from the fake OpenAI-compatible
 * server in its own process, at 0 and 1 ms per token, 1 and 20 crews at once.
 *
 * - in-process: the raw AI SDK, the crew's three prompts in sequence (`streamText`);
 * - relay: the same behind a minimal `node:http` SSE relay in its own process (what a
 *   hand-written Next.js route does), read by a client process;
 * - crewstream: the server `crewstream serve` starts (built package, SQLite on) in its own
 *   process, read by the same client process through `POST /api/crew/stream`.
 *
 * Measured: wall time of each batch, CPU of the server and of the client separately (each
 * process reports its own `process.cpuUsage`), the time to connect (each crew opens a new
 * connection), response headers from the request sent (the socket connected) and from the
 * start (connecting included), first token latency from the start, each token's lag from the
 * model sending it (the fake model stamps the time on each token) and hand-off (one agent's
 * last token to the next agent's first), all at the client. Targets: crewstream <= 1.10x the
 * relay's wall and CPU, first token <= in-process + 3 ms, token lag p99 <= in-process + 3 ms,
 * headers <= 2 ms after the request; and (1 ms per token) server CPU <= 1.3x the in-process
 * CPU.
 *
 * Each case first runs BENCH_E2E_WARMUP batches per mode (default 8) that are not measured, so
 * the figures are those of a server that has been running (its code optimized), as in
 * production; the first warm-up batch's server CPU is reported too, as the cold start.
 *
 * Settings: BENCH_E2E_ITERATIONS (batches per case, default 6), BENCH_E2E_CONCURRENCY
 * (default "1,20"), BENCH_E2E_TOKEN_MS (default "0,1"), BENCH_MAX_RUNS and BENCH_STREAM_CAP
 * (the server's max concurrent runs and per-client stream cap, default 64), BENCH_E2E_PERSIST=0
 * (the server without SQLite, to see what the store costs).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BatchResult } from "./e2e-client-process.js";
import { CREW_NAME } from "./e2e-crew.js";
import { ask, median, percentile, startHelperProcess } from "./harness.js";
import { BenchResults } from "./results.js";

const ITERATIONS = Number(process.env.BENCH_E2E_ITERATIONS ?? 6);
const WARMUP = Number(process.env.BENCH_E2E_WARMUP ?? 8);
const list = (text: string) => text.split(",").map(Number);
const CONCURRENCY = list(process.env.BENCH_E2E_CONCURRENCY ?? "1,20");
const TOKEN_MS = list(process.env.BENCH_E2E_TOKEN_MS ?? "0,1");
const MAX_RUNS = Number(process.env.BENCH_MAX_RUNS ?? 64);
const STREAM_CAP = Number(process.env.BENCH_STREAM_CAP ?? 64);
const TOKENS = 200;
const SETTLE_MS = 30;

const MODES = ["inproc", "relay", "crewstream"] as const;
type Mode = (typeof MODES)[number];
type Helper = Awaited<ReturnType<typeof startHelperProcess>>;

const results = new BenchResults("e2e", {
  agents: 3,
  tokensPerAgent: TOKENS,
  iterations: ITERATIONS,
  warmup: WARMUP,
  concurrency: CONCURRENCY,
  tokenMs: TOKEN_MS,
  maxConcurrentRuns: MAX_RUNS,
  streamCapPerClient: STREAM_CAP,
  store: "sqlite",
});
console.log(
  `e2e: 3 agents x ${TOKENS} tokens; ${ITERATIONS} batches per case; crewstream server with max ${MAX_RUNS} runs at once, ${STREAM_CAP} streams per client, SQLite`,
);

const cpuOf = async (server: Helper | undefined): Promise<number> =>
  server === undefined ? 0 : (JSON.parse(await ask(server, "cpu")) as { cpuMs: number }).cpuMs;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  batch: BatchResult;
  serverCpuMs: number;
}

async function caseOf(tokenMs: number): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "crewstream-e2e-bench-"));
  const serverLog = join(scratch, "server.log");
  const logFd = openSync(serverLog, "w");
  const fake = await startHelperProcess("./fake-model-process.ts", [
    String(TOKENS),
    String(tokenMs),
    "stamp",
  ]);
  const baseURL = fake.firstLine;
  const helpers: Helper[] = [fake];
  try {
    const relay = await startHelperProcess("./e2e-server-process.ts", ["relay", baseURL]);
    helpers.push(relay);
    const ours = await startHelperProcess(
      "./e2e-server-process.ts",
      ["crewstream", baseURL, scratch],
      { BENCH_MAX_RUNS: String(MAX_RUNS), BENCH_STREAM_CAP: String(STREAM_CAP) },
      { stderr: logFd },
    );
    helpers.push(ours);
    const client = await startHelperProcess("./e2e-client-process.ts");
    helpers.push(client);
    const servers: Record<Mode, Helper | undefined> = {
      inproc: undefined,
      relay,
      crewstream: ours,
    };
    const urls = {
      relay: (JSON.parse(relay.firstLine) as { url: string }).url,
      crewstream: (JSON.parse(ours.firstLine) as { url: string }).url,
    };

    async function once(mode: Mode, concurrency: number): Promise<Sample> {
      const command =
        mode === "inproc"
          ? { kind: "inproc", baseURL, concurrency }
          : {
              kind: "http",
              url: urls[mode],
              body: { crew: CREW_NAME, inputs: { topic: "benchmarks" } },
              concurrency,
            };
      const server = servers[mode];
      const before = await cpuOf(server);
      const answer = JSON.parse(await ask(client, JSON.stringify(command))) as
        BatchResult | { error: string };
      if ("error" in answer) throw new Error(`${mode}: ${answer.error} (server log: ${serverLog})`);
      await sleep(SETTLE_MS);
      return { batch: answer, serverCpuMs: (await cpuOf(server)) - before };
    }

    // Each server process's very first batch: only the case's first concurrency has one.
    let cold: Partial<Record<Mode, Sample>> | undefined = {};
    for (const concurrency of CONCURRENCY) {
      for (let i = 0; i < WARMUP; i++)
        for (const mode of MODES) {
          const sample = await once(mode, concurrency);
          if (cold) cold[mode] ??= sample;
        }
      const samples: Record<Mode, Sample[]> = { inproc: [], relay: [], crewstream: [] };
      for (let i = 0; i < ITERATIONS; i++) {
        // Rotate the order so drift in the machine's load falls on every mode alike.
        for (let k = 0; k < MODES.length; k++) {
          const mode = MODES[(i + k) % MODES.length]!;
          samples[mode].push(await once(mode, concurrency));
        }
      }
      summarize(tokenMs, concurrency, samples, cold ?? {});
      cold = undefined;
    }
  } catch (error) {
    console.error(`crewstream server log (end):\n${readFileSync(serverLog, "utf8").slice(-4000)}`);
    throw error;
  } finally {
    await Promise.all(
      helpers.reverse().map(async ({ child }) => {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        if (child.exitCode === null && child.signalCode === null && child.kill()) await exited;
      }),
    );
    closeSync(logFd);
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface Summary {
  wallMs: number;
  serverCpuMs: number;
  clientCpuMs: number;
  cpuMs: number;
  connectMs: number;
  headersMs: number;
  headersAfterRequestMs: number;
  firstTokenMs: number;
  firstTokenP95Ms: number;
  lagP50Ms: number;
  lagP99Ms: number;
  handoffMs: number;
  tokens: number;
}

function summaryOf(samples: Sample[], concurrency: number): Summary {
  const crews = samples.flatMap((s) => s.batch.crews);
  const lags = crews.flatMap((c) => c.lagMs);
  const perCrew = (values: number[]) => median(values) / concurrency;
  const serverCpuMs = perCrew(samples.map((s) => s.serverCpuMs));
  const clientCpuMs = perCrew(samples.map((s) => s.batch.cpuMs));
  return {
    wallMs: median(samples.map((s) => s.batch.wallMs)),
    serverCpuMs,
    clientCpuMs,
    cpuMs: perCrew(samples.map((s) => s.serverCpuMs + s.batch.cpuMs)),
    connectMs: median(crews.map((c) => c.connectedMs)),
    headersMs: median(crews.map((c) => c.headersMs)),
    headersAfterRequestMs: median(crews.map((c) => c.headersMs - c.connectedMs)),
    firstTokenMs: median(crews.map((c) => c.firstTokenMs)),
    firstTokenP95Ms: percentile(
      crews.map((c) => c.firstTokenMs),
      95,
    ),
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    handoffMs: median(crews.flatMap((c) => c.handoffMs)),
    tokens: Math.min(...crews.map((c) => c.tokens)),
  };
}

function summarize(
  tokenMs: number,
  concurrency: number,
  samples: Record<Mode, Sample[]>,
  cold: Partial<Record<Mode, Sample>>,
): void {
  const s = {
    inproc: summaryOf(samples.inproc, concurrency),
    relay: summaryOf(samples.relay, concurrency),
    crewstream: summaryOf(samples.crewstream, concurrency),
  };
  for (const mode of MODES)
    if (s[mode].tokens !== 3 * TOKENS)
      throw new Error(`${mode}: a crew received ${s[mode].tokens} tokens, not ${3 * TOKENS}`);
  const at = `${tokenMs}ms/token, ${concurrency} at once`;
  console.log(`\n ${at} (medians; CPU per crew run; times at the client)`);
  for (const mode of MODES) {
    const m = s[mode];
    const name = (what: string) => `${at}: ${mode} ${what}`;
    results.figure(name("wall per batch"), m.wallMs, "ms");
    if (mode !== "inproc") {
      results.figure(name("server CPU"), m.serverCpuMs, "ms");
      results.figure(name("client CPU"), m.clientCpuMs, "ms");
      results.figure(name("connect"), m.connectMs, "ms");
      results.figure(name("response headers after the request"), m.headersAfterRequestMs, "ms");
      results.figure(name("response headers from the start"), m.headersMs, "ms");
    } else results.figure(name("CPU"), m.cpuMs, "ms");
    results.figure(name("first token"), m.firstTokenMs, "ms", {
      note: `(p95 ${m.firstTokenP95Ms.toFixed(2)})`,
    });
    results.figure(name("token lag p99"), m.lagP99Ms, "ms", {
      note: `(p50 ${m.lagP50Ms.toFixed(2)})`,
    });
    results.figure(name("hand-off"), m.handoffMs, "ms");
    const first = cold[mode];
    if (mode !== "inproc" && first)
      results.figure(name("server CPU, first batch (cold)"), first.serverCpuMs / concurrency, "ms");
  }
  const ours = s.crewstream;
  const ratio = (name: string, value: number, limit?: number) =>
    results.figure(`${at}: ${name}`, value, "x", {
      ...(limit === undefined
        ? {}
        : { target: { ok: value <= limit, text: `<= ${limit.toFixed(2)}x` } }),
    });
  ratio("wall crewstream / relay", ours.wallMs / s.relay.wallMs, 1.1);
  ratio("CPU (server + client) crewstream / relay", ours.cpuMs / s.relay.cpuMs, 1.1);
  ratio("server CPU crewstream / relay", ours.serverCpuMs / s.relay.serverCpuMs);
  ratio("client CPU crewstream / relay", ours.clientCpuMs / s.relay.clientCpuMs);
  ratio("wall crewstream / in-process", ours.wallMs / s.inproc.wallMs);
  ratio("CPU (server + client) crewstream / in-process", ours.cpuMs / s.inproc.cpuMs);
  ratio(
    "server CPU crewstream / in-process",
    ours.serverCpuMs / s.inproc.cpuMs,
    tokenMs > 0 ? 1.3 : undefined,
  );
  ratio("wall relay / in-process", s.relay.wallMs / s.inproc.wallMs);
  const late = ours.firstTokenMs - s.inproc.firstTokenMs;
  results.figure(`${at}: first token crewstream - in-process`, late, "ms", {
    target: { ok: late <= 3, text: "<= 3 ms" },
  });
  // Every token, not only the first: how long after the model sent it the client has it,
  // whatever the burst (at 0 ms per token a whole answer is sent at once).
  const lagLate = ours.lagP99Ms - s.inproc.lagP99Ms;
  results.figure(`${at}: token lag p99 crewstream - in-process`, lagLate, "ms", {
    target: { ok: lagLate <= 3, text: "<= 3 ms" },
  });
  results.figure(
    `${at}: token lag p99 relay - in-process`,
    s.relay.lagP99Ms - s.inproc.lagP99Ms,
    "ms",
  );
  results.figure(
    `${at}: first token relay - in-process`,
    s.relay.firstTokenMs - s.inproc.firstTokenMs,
    "ms",
  );
  // From the request sent: connecting to a local port is the client's and the kernel's work,
  // the same for every server.
  results.figure(
    `${at}: response headers crewstream after the request`,
    ours.headersAfterRequestMs,
    "ms",
    {
      target: { ok: ours.headersAfterRequestMs <= 2, text: "<= 2 ms" },
    },
  );
  // The relay's own headers include both processes waking up: what crewstream adds to
  // starting a stream is the difference.
  results.figure(
    `${at}: response headers crewstream - relay`,
    ours.headersAfterRequestMs - s.relay.headersAfterRequestMs,
    "ms",
  );
  results.figure(
    `${at}: hand-off crewstream - in-process`,
    ours.handoffMs - s.inproc.handoffMs,
    "ms",
  );
}

for (const tokenMs of TOKEN_MS) await caseOf(tokenMs);
await results.write();
