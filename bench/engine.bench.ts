/**
 * Engine overhead: the example crew's shape (3 agents, 3 sequential tasks, 200 tokens per task)
 * run by crewstream against the fake OpenAI-compatible server with no token delay, versus a
 * baseline of three sequential raw AI SDK `streamText` calls against the same server, measured
 * interleaved in the same process. Target: crewstream at most 1.10x the baseline.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import type * as CrewModule from "../src/engine/index.js";
import type { CrewEvent } from "../src/events/index.js";
import type * as ObserveModule from "../src/observe/index.js";
import type * as OfflineModule from "../src/offline/index.js";
import { loadBuilt } from "./built.js";
import { fmt, measure, median, report, startHelperProcess, type Sample } from "./harness.js";

// The engine as built (what users run), not the TypeScript sources through tsx.
const { Crew } = await loadBuilt<typeof CrewModule>("engine/index.js");
const { createOfflineModel } = await loadBuilt<typeof OfflineModule>("offline/index.js");

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
const WARMUP = 10;

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
    for await (const event of crew.stream({ topic: "benchmarks" })) {
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
    for (const role of roles) {
      const result = streamText({
        model,
        maxRetries: 0,
        system: `You are ${role}.`,
        prompt: `Step about benchmarks.\n\nContext:\n${previous}`,
      });
      let text = "";
      for await (const delta of result.textStream) text += delta;
      previous = text;
    }
  }

  for (let i = 0; i < WARMUP; i++) {
    await runCrew();
    await runBaseline();
  }
  const crewSamples: Sample[] = [];
  const baseSamples: Sample[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate the order so drift in machine load affects both sides alike.
    if (i % 2 === 0) {
      crewSamples.push(await measure(runCrew));
      baseSamples.push(await measure(runBaseline));
    } else {
      baseSamples.push(await measure(runBaseline));
      crewSamples.push(await measure(runCrew));
    }
  }
  const wall = median(crewSamples.map((s) => s.wallMs)) / median(baseSamples.map((s) => s.wallMs));
  const cpu = median(crewSamples.map((s) => s.cpuMs)) / median(baseSamples.map((s) => s.cpuMs));
  console.log(`engine: 3 agents x 3 tasks x 200 tokens, ${ITERATIONS} interleaved iterations`);
  report(
    "baseline wall / cpu per run (ms, median)",
    `${fmt(median(baseSamples.map((s) => s.wallMs)))} / ${fmt(median(baseSamples.map((s) => s.cpuMs)))}`,
  );
  report(
    "crewstream wall / cpu per run (ms, median)",
    `${fmt(median(crewSamples.map((s) => s.wallMs)))} / ${fmt(median(crewSamples.map((s) => s.cpuMs)))}`,
  );
  report("wall time ratio crewstream / raw streamText", `${fmt(wall)}x`, {
    ok: wall <= 1.1,
    text: "<= 1.10x",
  });
  report("CPU time ratio crewstream / raw streamText", `${fmt(cpu)}x`, {
    ok: cpu <= 1.1,
    text: "<= 1.10x",
  });
  if (process.env.BENCH_OBSERVABILITY)
    await observabilityOff(runCrew, () => crew.stream({ topic: "benchmarks" }));
  await structuredLatency();
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
  report("first text.delta of a text task (ms, median)", fmt(firstText));
  report("first object.delta of a structured task (ms, median)", fmt(firstObject), {
    ok: firstObject <= firstText + tokenMs,
    text: `<= first text token + one token (${fmt(firstText + tokenMs)})`,
  });
  report("shortest gap between two object.delta of a task (ms)", fmt(minGap), {
    ok: minGap >= 49,
    text: ">= 50 ms",
  });
}

/**
 * `BENCH_OBSERVABILITY=1`: tracing when it is off, the way servers and workers set it up
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
  report(
    "tracing not configured / bare crew run (wall)",
    `${fmt(median(samples.unconfigured) / bare)}x`,
  );
  report(
    "OTEL_SDK_DISABLED=true / bare crew run (wall)",
    `${fmt(median(samples.disabled) / bare)}x`,
  );
}
