/**
 * Parallel tasks: a crew of three `async_execution` tasks and a final task, against the fake
 * OpenAI-compatible server streaming 40 tokens at 10 ms each (about 0.4 s per task). Compared
 * with the same crew where only one task is async, it should take about the same time (the
 * three overlap), and about half the time of the crew with all tasks in order.
 * Target: three parallel tasks at most 1.20x one.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type * as CrewModule from "../src/engine/index.js";
import { loadBuilt } from "./built.js";
import { measure, median, startHelperProcess, type Sample } from "./harness.js";
import { BenchResults } from "./results.js";

const { Crew } = await loadBuilt<typeof CrewModule>("engine/index.js");

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 6);
const TOKENS = 40;
const TOKEN_DELAY_MS = 10;
const results = new BenchResults("parallel", {
  tokens: TOKENS,
  tokenMs: TOKEN_DELAY_MS,
  iterations: ITERATIONS,
});

const { child, firstLine: baseURL } = await startHelperProcess("./fake-model-process.ts", [
  String(TOKENS),
  String(TOKEN_DELAY_MS),
]);
try {
  const provider = createOpenAICompatible({ name: "bench", baseURL, includeUsage: true });
  const model = provider.chatModel("bench-model");

  /** `parts` tasks (async when `parallel`), then a final task that gets their outputs. */
  function crewOf(parts: number, parallel: boolean): InstanceType<typeof Crew> {
    const tasks = Array.from({ length: parts }, (_, i) => ({
      key: `part_${i + 1}`,
      description: `Part ${i + 1} about {topic}.`,
      expectedOutput: "A paragraph.",
      agent: "analyst",
      asyncExecution: parallel,
    }));
    return new Crew(
      {
        name: "parallel-bench",
        agents: { analyst: { role: "Analyst", goal: "Cover {topic}", backstory: "Thorough." } },
        tasks: [
          ...tasks,
          {
            key: "merge",
            description: "Merge the parts.",
            expectedOutput: "A summary.",
            agent: "analyst",
          },
        ],
      },
      { model },
    );
  }

  async function run(crew: InstanceType<typeof Crew>): Promise<void> {
    for await (const event of crew.stream({ topic: "benchmarks" })) {
      if (event.type === "run.end" && event.status !== "completed")
        throw new Error(`run ${event.status}: ${event.error?.message}`);
    }
  }

  const one = crewOf(1, true);
  const three = crewOf(3, true);
  const inOrder = crewOf(3, false);
  await run(one);
  await run(three);
  const samples: Record<"one" | "three" | "inOrder", Sample[]> = {
    one: [],
    three: [],
    inOrder: [],
  };
  for (let i = 0; i < ITERATIONS; i++) {
    samples.one.push(await measure(() => run(one)));
    samples.three.push(await measure(() => run(three)));
    samples.inOrder.push(await measure(() => run(inOrder)));
  }
  const wall = (s: Sample[]): number => median(s.map((x) => x.wallMs));
  console.log(
    `parallel: tasks of ${TOKENS} tokens at ${TOKEN_DELAY_MS} ms per token, then a final task; ${ITERATIONS} iterations`,
  );
  results.figure("1 async task + final (median)", wall(samples.one), "ms", { decimals: 0 });
  results.figure("3 async tasks + final (median)", wall(samples.three), "ms", { decimals: 0 });
  results.figure("3 tasks in order + final (median)", wall(samples.inOrder), "ms", {
    decimals: 0,
  });
  const ratio = wall(samples.three) / wall(samples.one);
  results.figure("wall ratio 3 parallel / 1", ratio, "x", {
    target: { ok: ratio <= 1.2, text: "<= 1.20x" },
  });
  results.figure(
    "wall ratio 3 parallel / 3 in order",
    wall(samples.three) / wall(samples.inOrder),
    "x",
  );
  await results.write();
} finally {
  child.kill();
}
