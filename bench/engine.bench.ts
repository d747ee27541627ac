/**
 * Engine overhead: the example crew's shape (3 agents, 3 sequential tasks, 200 tokens per task)
 * run by crewstream against the fake OpenAI-compatible server (in its own process) with no
 * token delay, versus a baseline of three sequential raw AI SDK `streamText` calls against the
 * same server, measured interleaved in the same process. Targets: wall <= 1.05x and CPU
 * <= 1.15x the baseline, first token (from the call to the first text delta) <= the
 * baseline's + 1 ms. BENCH_ITERATIONS sets the iterations (default 100).
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import type * as CrewModule from "../src/engine/index.js";
import type { CrewEvent } from "../src/events/index.js";
import type * as ObserveModule from "../src/observe/index.js";
import type * as OfflineModule from "../src/offline/index.js";
import { loadBuilt } from "./built.js";
import { fmt, measure, median, startHelperProcess, type Sample } from "./harness.js";
import { BenchResults } from "./results.js";

// The engine as built (what users run), not the TypeScript sources through tsx.
const { Crew } = await loadBuilt<typeof CrewModule>("engine/index.js");
const { createOfflineModel } = await loadBuilt<typeof OfflineModule>("offline/index.js");

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
const WARMUP = 10;
const results = new BenchResults("engine", {
  agents: 3,
  tokensPerTask: 200,
  tokenMs: 0,
  iterations: ITERATIONS,
  warmup: WARMUP,
});
/** Time from the start of the latest measured call to its first text delta, in ms. */
let firstToken = Number.NaN;

const { child, firstLine: baseURL } = await startHelperProcess("./fake-model-process.ts", ["200"]);
try {
  const provider = createOpenAICompatible({ name: "bench", baseURL, includeUsage: true });
  const model = provider.chatModel("bench-model");

  const roles = ["Researcher", "Writer", "Reviewer"] as const;
  const crew = new Crew(
    {
      name: "bench",
      agents: roles.map((role) => ({
        key: role.toLowerCase(),
        role,
        goal: `Do the ${role.toLowerCase()} part about {topic}`,
        backstory: `An experienced ${role.toLowerCase()}.`,
      })),
      tasks: roles.map((role, index) => ({
        key: `task_${index + 1}`,
        description: `Step ${index + 1} about {topic}.`,
        expectedOutput: "A few paragraphs.",
        agent: role.toLowerCase(),
      })),
    },
    { model },
  );

  async function runCrew(): Promise<void> {
    let ended = false;
    const start = performance.now();
    firstToken = Number.NaN;
    for await (const event of crew.stream({ topic: "benchmarks" })) {
      if (event.type === "text.delta" && Number.isNaN(firstToken))
        firstToken = performance.now() - start;
      if (event.type === "run.end") {
        if (event.status !== "completed")
          throw new Error(`crew run ${event.status}: ${event.error?.message}`);
        ended = true;
      }
    }
    if (!ended) throw new Error("crew run ended without run.end");
  }

  async function runBaseline(): Promise<void> {
    let previous = "";
    const start = performance.now();
    firstToken = Number.NaN;
    for (const role of roles) {
      const result = streamText({
        model,
        maxRetries: 0,
        system: `You are ${role}.`,
        prompt: `Step about benchmarks.\n\nContext:\n${previous}`,
      });
      let text = "";
      for await (const delta of result.textStream) {
        if (Number.isNaN(firstToken)) firstToken = performance.now() - start;
        text += delta;
      }
      previous = text;
    }
  }

  for (let i = 0; i < WARMUP; i++) {
    await runCrew();
    await runBaseline();
  }
  const crewSamples: Sample[] = [];
  const baseSamples: Sample[] = [];
  const crewFirst: number[] = [];
  const baseFirst: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate the order so drift in machine load affects both sides alike.
    const crewOnce = async () => {
      crewSamples.push(await measure(runCrew));
      crewFirst.push(firstToken);
    };
    const baseOnce = async () => {
      baseSamples.push(await measure(runBaseline));
      baseFirst.push(firstToken);
    };
    if (i % 2 === 0) {
      await crewOnce();
      await baseOnce();
    } else {
      await baseOnce();
      await crewOnce();
    }
  }
  const m = (samples: Sample[], key: keyof Sample) => median(samples.map((s) => s[key]));
  const wall = m(crewSamples, "wallMs") / m(baseSamples, "wallMs");
  const cpu = m(crewSamples, "cpuMs") / m(baseSamples, "cpuMs");
  const late = median(crewFirst) - median(baseFirst);
  console.log(`engine: 3 agents x 3 tasks x 200 tokens, ${ITERATIONS} interleaved iterations`);
  results.figure("baseline wall per run (median)", m(baseSamples, "wallMs"), "ms");
  results.figure("baseline CPU per run (median)", m(baseSamples, "cpuMs"), "ms");
  results.figure("baseline first token (median)", median(baseFirst), "ms");
  results.figure("crewstream wall per run (median)", m(crewSamples, "wallMs"), "ms");
  results.figure("crewstream CPU per run (median)", m(crewSamples, "cpuMs"), "ms");
  results.figure("crewstream first token (median)", median(crewFirst), "ms");
  results.figure("wall time ratio crewstream / raw streamText", wall, "x", {
    target: { ok: wall <= 1.05, text: "<= 1.05x" },
  });
  results.figure("CPU time ratio crewstream / raw streamText", cpu, "x", {
    target: { ok: cpu <= 1.15, text: "<= 1.15x" },
  });
  results.figure("first token crewstream - raw streamText", late, "ms", {
    target: { ok: late <= 1, text: "<= 1 ms" },
  });
  if (process.env.BENCH_OBSERVABILITY !== "0")
    await observabilityOff(runCrew, () => crew.stream({ topic: "benchmarks" }));
  await structuredLatency();
  await results.write();
} finally {
  child.kill();
}

/**
 * A task with an output schema against the same task without one, on the offline model at a
 * real model's pace (10 ms per token): the first `object.delta` must come no later than the
 * first `text.delta` of the text task (plus one token), and partial objects at most one per
 * 50 ms.
 */
async function structuredLatency(): Promise<void> {
  const schema = {
    type: "object",
    properties: {
      title: { type: "string" },
      findings: {
        type: "array",
        minItems: 5,
        maxItems: 5,
        items: {
          type: "object",
          properties: { claim: { type: "string" }, source: { type: "string" } },
          required: ["claim", "source"],
        },
      },
    },
    required: ["title", "findings"],
  };
  const tokenMs = 10;
  const crewFor = (structured: boolean) =>
    new Crew(
      {
        name: "latency",
        agents: { analyst: { role: "Analyst", goal: "Brief on {topic}", backstory: "Exact." } },
        tasks: {
          brief: {
            description: "A brief on {topic}.",
            expectedOutput: "A title and findings.",
            agent: "analyst",
            ...(structured ? { outputSchema: schema } : {}),
          },
        },
      },
      { model: createOfflineModel({ tokenMs }) },
    );
  async function firstAndRate(structured: boolean) {
    let started = 0;
    let first: number | undefined;
    const partials: number[] = [];
    for await (const event of crewFor(structured).stream({ topic: "benchmarks" })) {
      const now = performance.now();
      if (event.type === "task.start") started = now;
      if (first === undefined && event.type === (structured ? "object.delta" : "text.delta"))
        first = now - started;
      if (event.type === "object.delta") partials.push(now);
    }
    const gaps = partials.slice(1).map((at, i) => at - (partials[i] ?? at));
    return { first: first ?? Number.NaN, minGap: gaps.length === 0 ? Infinity : Math.min(...gaps) };
  }
  const text: number[] = [];
  const object: number[] = [];
  let minGap = Infinity;
  for (let i = 0; i < 10; i++) {
    text.push((await firstAndRate(false)).first);
    const structured = await firstAndRate(true);
    object.push(structured.first);
    minGap = Math.min(minGap, structured.minGap);
  }
  const firstText = median(text);
  const firstObject = median(object);
  console.log(`structured output: offline model at ${tokenMs} ms per token, 10 runs each`);
  results.figure("first text.delta of a text task (median)", firstText, "ms");
  results.figure("first object.delta of a structured task (median)", firstObject, "ms", {
    target: {
      ok: firstObject <= firstText + tokenMs,
      text: `<= first text token + one token (${fmt(firstText + tokenMs)})`,
    },
  });
  results.figure("shortest gap between two object.delta of a task", minGap, "ms", {
    target: { ok: minGap >= 49, text: ">= 50 ms" },
  });
}

/**
 * Tracing when it is off (skipped with `BENCH_OBSERVABILITY=0`), the way servers and workers set it up
 * (`startTracing`, whose observer sees every event): not configured (no OTEL_* variable)
 * against an endpoint set but `OTEL_SDK_DISABLED=true`, each against the bare crew run,
 * interleaved. Off must cost nothing measurable: both ratios about 1.00x.
 */
async function observabilityOff(
  runCrew: () => Promise<void>,
  streamCrew: () => AsyncIterable<CrewEvent>,
): Promise<void> {
  const { startTracing } = await loadBuilt<typeof ObserveModule>("observe/index.js");
  const observed = (env: NodeJS.ProcessEnv) => {
    const tracing = startTracing({ env });
    return async (): Promise<void> => {
      for await (const event of streamCrew()) tracing?.tracer.observer.event?.(event);
    };
  };
  const variants = {
    bare: runCrew,
    unconfigured: observed({}),
    disabled: observed({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_SDK_DISABLED: "true",
    }),
  };
  const samples = { bare: [] as number[], unconfigured: [] as number[], disabled: [] as number[] };
  const order = ["bare", "unconfigured", "disabled"] as const;
  for (let i = 0; i < ITERATIONS; i++) {
    // Rotate the order so drift in machine load affects every variant alike.
    for (let j = 0; j < order.length; j++) {
      const name = order[(i + j) % order.length]!;
      samples[name].push((await measure(variants[name])).wallMs);
    }
  }
  const bare = median(samples.bare);
  console.log(`observability off: ${ITERATIONS} interleaved iterations`);
  const unconfigured = median(samples.unconfigured) / bare;
  const disabled = median(samples.disabled) / bare;
  results.figure("tracing not configured / bare crew run (wall)", unconfigured, "x", {
    target: { ok: unconfigured <= 1.05, text: "<= 1.05x (no measurable cost)" },
  });
  results.figure("OTEL_SDK_DISABLED=true / bare crew run (wall)", disabled, "x", {
    target: { ok: disabled <= 1.05, text: "<= 1.05x (no measurable cost)" },
  });
}
