import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import type { CrewEvent } from "../events/index.js";
import { RateLimiter } from "../llm/index.js";
import { MemoryRunStore } from "../store/index.js";
import { RunManager } from "./run-manager.js";
import { catalogRunners, runnerForCrew } from "./runner-for-crew.js";
import { runEvents } from "./test-support/run-events.js";

const examples = fileURLToPath(new URL("../../examples", import.meta.url));
const catalog = new CrewCatalog({ dirs: [examples], defaultName: "research-crew" });
let manager: RunManager | undefined;
afterEach(async () => manager?.close());

async function eventsOf(runs: RunManager, runId: string): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of runEvents(runs, runId)) events.push(event);
  return events;
}

it("runs a crew from the catalog on the offline model through the run manager", async () => {
  manager = new RunManager({ store: new MemoryRunStore(), resolveRunner: catalogRunners(catalog) });
  await expect(manager.start({ crew: "no-such-crew", inputs: {} })).rejects.toMatchObject({
    code: "crew_not_found",
  });
  const record = await manager.start({ inputs: { topic: "sea otters" } });
  expect(record.crew).toBe("research-crew");
  const events = await eventsOf(manager, record.id);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]).toMatchObject({ type: "run.start", crew: "research-crew" });
  expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  const details = await manager.get(record.id);
  expect(details?.summary.tasks.length).toBeGreaterThan(0);
  expect(details?.summary.tasks.every((t) => t.status === "completed")).toBe(true);
});

it("starts a process crew with crew.yaml's default inputs and reports its diagnostics", async () => {
  const diagnostics: string[] = [];
  manager = new RunManager({
    store: new MemoryRunStore(),
    resolveRunner: catalogRunners(catalog, { onDiagnostic: (line) => diagnostics.push(line) }),
  });
  const record = await manager.start({ crew: "python-crew", inputs: {} });
  const events = await eventsOf(manager, record.id);
  const start = events[0];
  expect(start).toMatchObject({ type: "run.start", crew: "python-crew" });
  expect(start?.type === "run.start" && start.inputs).toEqual({ topic: "AI LLMs" });
  // Roles are shown with the default filled in, as the program prints them.
  expect(start?.type === "run.start" && start.agents.map((a) => a.role).join(" ")).toContain(
    "AI LLMs",
  );
  expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  expect(diagnostics.length).toBeGreaterThan(0);
}, 60_000);

it("puts the run's rate limiter on every model request of an engine crew", async () => {
  const keys: string[] = [];
  const limiter = new RateLimiter();
  const counting = {
    acquire: async (key: string, options?: Parameters<RateLimiter["acquire"]>[1]) => {
      keys.push(key);
      return limiter.acquire(key, options);
    },
    penalize: (key: string, ms: number) => limiter.penalize(key, ms),
    setLimit: (key: string, rpm: number | undefined) => limiter.setLimit(key, rpm),
  };
  const runner = runnerForCrew(await catalog.load("research-crew"));
  let end: CrewEvent | undefined;
  for await (const event of runner.stream({}, { model: "offline", rateLimiter: counting }))
    end = event;
  expect(end).toMatchObject({ type: "run.end", status: "completed" });
  expect(keys.length).toBeGreaterThan(0);
});

it("puts a process crew's load warnings on its run.start, as for engine crews", async () => {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-process-warnings-"));
  try {
    await writeFile(join(dir, "crew.yaml"), 'command: ["python3", "run.py"]\nmemroy: true\n');
    await writeFile(join(dir, "run.py"), 'print("done")\n');
    const loaded = await new CrewCatalog({ dirs: [] }).loadDir(dir);
    expect(loaded.warnings.map((w) => w.key)).toContain("memroy");
    let start: CrewEvent | undefined;
    for await (const event of runnerForCrew(loaded).stream({}, {})) {
      if (event.type === "run.start") start = event;
    }
    expect(start).toMatchObject({
      type: "run.start",
      warnings: [expect.objectContaining({ file: "crew.yaml", key: "memroy" })],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("builds a crew's runner once and builds it again when a file of the crew changes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-runner-cache-"));
  const crew = join(dir, "notes");
  const tasksYaml = (placeholders: string) =>
    `write:\n  description: Notes about ${placeholders}.\n  expected_output: Notes.\n  agent: writer\n`;
  try {
    await mkdir(crew);
    await writeFile(join(crew, "crew.yaml"), "name: notes\n");
    await writeFile(
      join(crew, "agents.yaml"),
      "writer:\n  role: Writer\n  goal: Write notes\n  backstory: Writes.\n",
    );
    await writeFile(join(crew, "tasks.yaml"), tasksYaml("{topic}"));
    const resolve = catalogRunners(new CrewCatalog({ dirs: [dir] }));
    const first = await resolve("notes");
    expect(await resolve("notes")).toBe(first);
    expect(first.requiredInputs?.()).toEqual(["topic"]);
    // A caller changing the answer does not change the kept runner's.
    first.requiredInputs?.().push("changed");
    expect(first.requiredInputs?.()).toEqual(["topic"]);

    await writeFile(join(crew, "tasks.yaml"), tasksYaml("{topic} for {audience}"));
    const changed = await resolve("notes");
    expect(changed).not.toBe(first);
    expect(changed.requiredInputs?.()).toEqual(["audience", "topic"]);
    expect(() => changed.validateInputs?.({ topic: "otters" })).toThrow(
      'Missing input "audience" (used in task write\'s description)',
    );
    expect(changed.validateInputs?.({ topic: "otters", audience: "kids" })).toEqual({
      topic: "otters",
      audience: "kids",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
