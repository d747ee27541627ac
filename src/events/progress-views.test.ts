/**
 * Every view of a run reports the same figures. Real runs (the offline model, the fake
 * OpenAI-compatible server, the Python stand-in crew) are recorded, then each log, and its
 * prefixes at every task end and input request, is fed to every consumer of the progress
 * model: the run summary, `crewstream/client`, the React adapter's message, the CLI's frame
 * and plain lines, the `/api/chat` data parts and the web UI's token labels. Each must show
 * the same status and tokens per run, task and agent; the tokens must follow the attribution
 * rule (tasks and agents both add up to the run) and match what the producer reported.
 *
 * This test reaches into the views on purpose: it is the one place that holds them together.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readUIMessageStream } from "ai";
import pc from "picocolors";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenCount } from "../../web/src/components/token-count.js";
import { ProcessCrew } from "../bridge/index.js";
import { plainLine } from "../cli/plain-lines.js";
import { renderFrame } from "../cli/render-frame.js";
import { applyEvent, createRunViewState } from "../cli/run-view-state.js";
import { foldProgress as clientFold } from "../client/index.js";
import { loadCrew } from "../crew/load-crew.js";
import type { CrewConfig } from "../crew/index.js";
import { Crew } from "../engine/index.js";
import { resolveModel } from "../llm/index.js";
import { createOfflineModel } from "../offline/index.js";
import { CREW_PROGRESS_PART, toRunResult, type CrewProgressData } from "../react/index.js";
import { memoryFor } from "../runs/crew-memory.js";
import { SqliteRunStore } from "../store/index.js";
import { startFakeOpenAI } from "../testing/index.js";
import { toUIMessageStream, type CrewUIMessage } from "../transport/index.js";
import {
  formatCost,
  runSummarySchema,
  summarize,
  type CrewEvent,
  type ProgressStatus,
  type RunProgressStatus,
  type Usage,
} from "./index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** One figure a view shows: a status and tokens (input plus output). */
interface Figure {
  status: string;
  tokens: number;
  estimated: boolean;
}

/** What a view shows of a run; `agents` is absent for views without agents. */
interface Figures {
  run: Figure;
  tasks: Record<string, Figure>;
  agents?: Record<string, Figure>;
}

const total = (usage: Usage): number => usage.inputTokens + usage.outputTokens;
const figure = (f: { status: string; usage: Usage; estimated: boolean }): Figure => ({
  status: f.status,
  tokens: total(f.usage),
  estimated: f.estimated,
});
const byKey = <T extends { key: string }>(items: T[], f: (item: T) => Figure) =>
  Object.fromEntries(items.map((item) => [item.key, f(item)]));

// ---- The consumers -------------------------------------------------------------------------

function fromSummary(events: CrewEvent[]): Figures {
  const summary = runSummarySchema.parse(summarize(events));
  return {
    run: figure(summary),
    tasks: byKey(summary.tasks, figure),
    agents: byKey(summary.agents, figure),
  };
}

function fromClient(events: CrewEvent[]): Figures {
  const progress = clientFold(events);
  return {
    run: figure(progress),
    tasks: byKey(progress.tasks, figure),
    agents: byKey(progress.agents, figure),
  };
}

function fromReactMessage(events: CrewEvent[]): Figures {
  const result = toRunResult(clientFold(events), "live");
  const part = result.content?.find((p) => p.type === "data" && p.name === CREW_PROGRESS_PART);
  if (part?.type !== "data") throw new Error("the message has no progress part");
  const { progress } = part.data as CrewProgressData;
  expect(result.metadata?.custom?.runStatus).toBe(progress.status);
  return {
    run: figure(progress),
    tasks: byKey(progress.tasks, figure),
    agents: byKey(progress.agents, figure),
  };
}

const ICONS: Record<string, ProgressStatus> = {
  "○": "pending",
  "⠋": "running",
  "?": "waiting_input",
  "✔": "completed",
  "✖": "failed",
  "■": "cancelled",
};

/** Reads a token cell back: "1,234 tok", "~12 tok", "? tok" (unknown), or none. */
function tokenCell(line: string): { tokens: number; estimated: boolean } {
  const match = / (~?)([\d,]+|\?) tok$/.exec(line);
  if (match === null) return { tokens: 0, estimated: false };
  if (match[2] === "?") return { tokens: 0, estimated: true };
  return { tokens: Number((match[2] ?? "").replace(/,/g, "")), estimated: match[1] === "~" };
}

function fromCliFrame(events: CrewEvent[]): Figures {
  const state = createRunViewState();
  for (const event of events) applyEvent(state, event);
  const frame = renderFrame(state, {
    now: state.lastEventAt ?? 0,
    width: 200,
    colors: pc.createColors(false),
  });
  const lines = frame.split("\n");
  const agentsAt = lines.indexOf("  Agents");
  const tasksAt = lines.indexOf("  Tasks");
  const row = (line: string): { key: string; figure: Figure } => {
    const match = /^ {2}(\S) (?:\d+\/\d+ {2})?(\S+)/.exec(line);
    if (match === null) throw new Error(`not a row: ${line}`);
    const status = ICONS[match[1] ?? ""] ?? `unknown icon ${match[1]}`;
    // The frame cuts long keys ("ai_llms_trend_a…"): name the row by the key it starts.
    const shown = match[2] ?? "";
    const keys = [...state.progress.agents, ...state.progress.tasks].map((x) => x.key);
    const key = shown.endsWith("…")
      ? (keys.find((k) => k.startsWith(shown.slice(0, -1))) ?? shown)
      : shown;
    return { key, figure: { status, ...tokenCell(line) } };
  };
  const rows = (from: number, to: number) =>
    Object.fromEntries(
      lines
        .slice(from + 1, to)
        .filter((line) => /^ {2}\S /.test(line))
        .map((line) => {
          const { key, figure } = row(line);
          return [key, figure];
        }),
    );
  const header = lines[0] ?? "";
  const ended = /\b(completed|failed|cancelled)\b/.exec(header)?.[1];
  const waiting = state.progress.tasks.some((t) => t.status === "waiting_input");
  return {
    run: { status: ended ?? (waiting ? "waiting_input" : "running"), ...tokenCell(header) },
    tasks: rows(tasksAt, lines.length),
    agents: rows(agentsAt, tasksAt - 1),
  };
}

/** The plain lines' token counts: per ended task, and the run's at its end. */
function fromPlainLines(events: CrewEvent[]): Map<string, string> {
  const state = createRunViewState();
  const counts = new Map<string, string>();
  for (const event of events) {
    applyEvent(state, event);
    const line = plainLine(event, state);
    const count = line === undefined ? undefined : /\(([^)]*tokens[^)]*)\)/.exec(line)?.[1];
    if (count === undefined) continue;
    if (event.type === "task.end") counts.set(event.task ?? "", count);
    if (event.type === "run.end") counts.set("run", count);
  }
  return counts;
}

async function fromChatParts(events: CrewEvent[]): Promise<Figures> {
  async function* source(): AsyncGenerator<CrewEvent> {
    yield* events;
  }
  let last: CrewUIMessage | undefined;
  for await (const message of readUIMessageStream<CrewUIMessage>({
    stream: toUIMessageStream(source()),
    onError: () => undefined,
  })) {
    last = message;
  }
  const parts = last?.parts ?? [];
  const progress = parts.flatMap((p) => (p.type === "data-crew-progress" ? [p.data] : []))[0];
  if (progress === undefined) throw new Error("no data-crew-progress part");
  const tasks = parts.flatMap((p) => (p.type === "data-crew-task" ? [p.data] : []));
  return { run: figure(progress), tasks: byKey(tasks, figure) };
}

const plainCount = (f: Figure): string =>
  f.tokens === 0 && f.estimated ? "tokens unknown" : `${f.estimated ? "~" : ""}${f.tokens} tokens`;

// ---- An independent count of what the producer reported -----------------------------------

/**
 * Tokens per agent straight from the log: the usage of each agent's steps, plus the text
 * chunks it streamed after its last step with usage in each task (the model had not reported
 * them), or, for a task whose steps carry no usage, the task's `task.end` usage by owner.
 */
function reportedByAgent(events: CrewEvent[]): Map<string, number> {
  const byAgent = new Map<string, number>();
  const add = (agent: string, n: number): void => {
    byAgent.set(agent, (byAgent.get(agent) ?? 0) + n);
  };
  const trailing = new Map<string, number>();
  const stepsWithUsage = new Set<string>();
  for (const event of events) {
    const cell = `${event.task ?? ""}\u0000${event.agent ?? ""}`;
    if (event.type === "text.delta" || event.type === "reasoning.delta")
      trailing.set(cell, (trailing.get(cell) ?? 0) + 1);
    if (
      (event.type === "agent.step" || event.type === "guardrail.check") &&
      event.usage !== undefined &&
      event.agent !== undefined
    ) {
      add(event.agent, total(event.usage));
      trailing.set(cell, 0);
      stepsWithUsage.add(event.task ?? "");
    }
    if (event.type === "task.end" && !stepsWithUsage.has(event.task ?? "")) {
      add(event.agent ?? "", total(event.usage));
      for (const key of trailing.keys())
        if (key.startsWith(`${event.task ?? ""}\u0000`)) trailing.set(key, 0);
    }
  }
  for (const [cell, chunks] of trailing) add(cell.split("\u0000")[1] ?? "", chunks);
  for (const [agent, n] of byAgent) if (n === 0) byAgent.delete(agent);
  return byAgent;
}

// ---- Recorded runs -------------------------------------------------------------------------

interface Case {
  name: string;
  events: CrewEvent[];
  run: RunProgressStatus;
  tasks: Record<string, ProgressStatus>;
  agents: Record<string, ProgressStatus>;
  /** Whether the run's tokens include an estimate. */
  estimated: boolean;
}

async function record(stream: AsyncIterable<CrewEvent>, stop?: (e: CrewEvent[]) => void) {
  const events: CrewEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    stop?.(events);
  }
  return events;
}

const cases: Case[] = [];

type CrewModel = NonNullable<CrewConfig["model"]>;

beforeAll(async () => {
  const offline = createOfflineModel({ tokenMs: 0 });
  const duo = (model: CrewModel, humanInput = false): Crew =>
    new Crew({
      name: "duo",
      model,
      agents: {
        researcher: { role: "Researcher", goal: "Find facts", backstory: "Curious." },
        writer: { role: "Writer", goal: "Write", backstory: "Clear." },
      },
      tasks: {
        research: { description: "Research lakes.", expectedOutput: "Notes", agent: "researcher" },
        write: {
          description: "Write about lakes.",
          expectedOutput: "An essay",
          agent: "writer",
          humanInput,
        },
      },
    });

  // Long-term memory: a first run saves each task's outcome, the recorded second run recalls.
  const remembering = new Crew({
    name: "remembering",
    model: offline,
    memory: true,
    agents: {
      researcher: { role: "Researcher", goal: "Find facts", backstory: "Curious." },
      writer: { role: "Writer", goal: "Write", backstory: "Clear." },
    },
    tasks: {
      research: { description: "Research lakes.", expectedOutput: "Notes", agent: "researcher" },
      write: { description: "Write about lakes.", expectedOutput: "An essay", agent: "writer" },
    },
  });
  const memoryStore = new SqliteRunStore({ path: ":memory:" });
  const memory = memoryFor(memoryStore.memory, "remembering");
  await record(remembering.stream({}, { memory }));
  cases.push({
    name: "long-term memory",
    events: await record(remembering.stream({}, { memory })),
    run: "completed",
    tasks: { research: "completed", write: "completed" },
    agents: { researcher: "completed", writer: "completed" },
    estimated: false,
  });
  await memoryStore.close();

  const research = new Crew(await loadCrew(join(root, "examples", "research-crew")));
  cases.push({
    name: "sequential (examples/research-crew)",
    events: await record(research.stream({}, { model: "offline" })),
    run: "completed",
    tasks: { research_task: "completed", writing_task: "completed", review_task: "completed" },
    agents: { researcher: "completed", writer: "completed", reviewer: "completed" },
    estimated: false,
  });

  const structured = new Crew(await loadCrew(join(root, "examples", "structured-crew")));
  cases.push({
    name: "structured output and guardrail (examples/structured-crew)",
    events: await record(
      structured.stream(
        {},
        { model: "offline", outputDir: mkdtempSync(join(tmpdir(), "crewstream-views-")) },
      ),
    ),
    run: "completed",
    tasks: { brief_task: "completed", note_task: "completed" },
    agents: { analyst: "completed", writer: "completed" },
    estimated: false,
  });

  const managed = new Crew({
    name: "managed",
    process: "hierarchical",
    model: "offline",
    agents: {
      researcher: { role: "Researcher", goal: "Find facts about {topic}", backstory: "Curious." },
      writer: { role: "Writer", goal: "Write about {topic}", backstory: "Clear." },
    },
    tasks: {
      brief: { description: "Write a brief on {topic}.", expectedOutput: "A one-page brief" },
    },
  });
  cases.push({
    name: "hierarchical",
    events: await record(managed.stream({ topic: "geothermal energy" })),
    run: "completed",
    tasks: { brief: "completed" },
    agents: { manager: "completed", researcher: "completed", writer: "completed" },
    estimated: false,
  });

  const controller = new AbortController();
  const slow = duo(createOfflineModel({ tokenMs: 2 }));
  cases.push({
    name: "cancelled mid-task",
    events: await record(slow.stream({}, { signal: controller.signal }), (events) => {
      const last = events.at(-1);
      const written = events.filter((e) => e.type === "text.delta" && e.task === "write");
      if (last?.type === "text.delta" && written.length === 40) controller.abort();
    }),
    run: "cancelled",
    tasks: { research: "completed", write: "cancelled" },
    agents: { researcher: "completed", writer: "cancelled" },
    estimated: true,
  });

  const fake = await startFakeOpenAI({ defaultTokens: 30 });
  try {
    fake.script([
      { text: "Lakes hold most of the fresh water on the surface of the earth." },
      { text: "word ".repeat(60).trim().split(" "), fail: { kind: "malformed", afterTokens: 25 } },
    ]);
    const model = resolveModel("compatible/test-model", {
      env: { CREWSTREAM_BASE_URL: fake.baseURL },
    });
    cases.push({
      name: "failed (provider stream broke mid-task)",
      events: await record(duo(model).stream({}, { retry: { maxRetries: 0 } })),
      run: "failed",
      tasks: { research: "completed", write: "failed" },
      agents: { researcher: "completed", writer: "failed" },
      estimated: true,
    });
  } finally {
    await fake.close();
  }

  cases.push({
    name: "human input",
    events: await record(
      duo(offline, true).stream({}, { onInputRequest: async () => "Add a title." }),
    ),
    run: "completed",
    tasks: { research: "completed", write: "completed" },
    agents: { researcher: "completed", writer: "completed" },
    estimated: false,
  });

  const python = (layout: "none" | "current") =>
    new ProcessCrew({
      name: "python-crew",
      command: ["python3", "crew/fake_run.py"],
      cwd: join(root, "examples", "python-crew"),
      // "none": a CrewAI without the event bus, so only step-callback lines and no usage.
      env: { CREWSTREAM_FAKE_STEP_MS: "0", CREWAI_STANDIN_LAYOUT: layout },
      agents: [{ key: "researcher", role: "{topic} Senior Data Researcher" }],
      tasks: [
        { key: "research_task", agent: "researcher" },
        { key: "analysis_task" },
        { key: "reporting_task" },
      ],
    });
  const pythonTasks = {
    research_task: "completed",
    analysis_task: "completed",
    reporting_task: "completed",
  } as const;
  cases.push({
    name: "process crew (reports no usage)",
    events: await record(python("none").stream({ topic: "AI LLMs" })),
    run: "completed",
    tasks: pythonTasks,
    agents: { researcher: "completed" },
    estimated: true,
  });
  cases.push({
    name: "process crew (reports usage through crewstream_bridge)",
    events: await record(python("current").stream({ topic: "AI LLMs" })),
    run: "completed",
    tasks: pythonTasks,
    agents: { researcher: "completed" },
    estimated: false,
  });
});

// ---- The table -----------------------------------------------------------------------------

/** Prefixes of a log where every view has caught up: after each task end, input request, and the end. */
function checkpoints(events: CrewEvent[]): CrewEvent[][] {
  const ends = events.flatMap((e, i) =>
    e.type === "task.end" || e.type === "input.request" || e.type === "run.end" ? [i + 1] : [],
  );
  return ends.map((n) => events.slice(0, n));
}

const CASES = [
  "sequential (examples/research-crew)",
  "long-term memory",
  "structured output and guardrail (examples/structured-crew)",
  "hierarchical",
  "cancelled mid-task",
  "failed (provider stream broke mid-task)",
  "human input",
  "process crew (reports no usage)",
  "process crew (reports usage through crewstream_bridge)",
];

describe.each(CASES)("%s: every view shows the same figures", (name) => {
  const get = (): Case => {
    const found = cases.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no recorded run for ${name}`);
    return found;
  };

  it("has the expected statuses and tokens that add up, by task and by agent", () => {
    const c = get();
    const figures = fromSummary(c.events);
    const end = c.events.at(-1);
    if (end?.type !== "run.end") throw new Error("the log does not end with run.end");
    expect(figures.run).toEqual({
      status: c.run,
      tokens: total(end.usage),
      estimated: c.estimated,
    });
    expect(end.estimated === true).toBe(c.estimated);
    for (const [key, status] of Object.entries(c.tasks))
      expect(figures.tasks[key]?.status, `task ${key}`).toBe(status);
    for (const [key, status] of Object.entries(c.agents))
      expect(figures.agents?.[key]?.status, `agent ${key}`).toBe(status);

    const sum = (f: Record<string, Figure>) => Object.values(f).reduce((n, x) => n + x.tokens, 0);
    expect(sum(figures.tasks)).toBe(figures.run.tokens);
    expect(sum(figures.agents ?? {})).toBe(figures.run.tokens);
    expect(figures.run.tokens).toBeGreaterThan(0);

    // Every ended task shows what its task.end reported.
    for (const event of c.events) {
      if (event.type !== "task.end") continue;
      expect(figures.tasks[event.task ?? ""]).toMatchObject({
        tokens: total(event.usage),
        estimated: event.estimated === true,
      });
    }
    // Every agent shows what its own steps reported, plus what it streamed unreported.
    const reported = reportedByAgent(c.events);
    const shown = new Map(
      Object.entries(figures.agents ?? {}).flatMap(([k, f]) =>
        f.tokens > 0 ? [[k, f.tokens]] : [],
      ),
    );
    expect(shown).toEqual(reported);
  });

  it("reports the same figures in the summary, client, React message, CLI, chat parts and web labels", async () => {
    const c = get();
    for (const events of checkpoints(c.events)) {
      const at = `after seq ${events.at(-1)?.seq ?? 0} (${events.at(-1)?.type ?? ""})`;
      const expected = fromSummary(events);
      expect(fromClient(events), `client ${at}`).toEqual(expected);
      expect(fromReactMessage(events), `react ${at}`).toEqual(expected);
      expect(fromCliFrame(events), `cli frame ${at}`).toEqual(expected);

      // The chat shows the run and every task that started.
      const progress = clientFold(events);
      const started = Object.fromEntries(
        Object.entries(expected.tasks).filter(
          ([key]) => progress.tasks.find((t) => t.key === key)?.startedAt !== undefined,
        ),
      );
      expect(await fromChatParts(events), `chat parts ${at}`).toEqual({
        run: expected.run,
        tasks: started,
      });

      // The web UI's labels are the same figures.
      for (const task of progress.tasks) {
        const f = expected.tasks[task.key] as Figure;
        const label = tokenCount(task, "tok");
        if (f.tokens === 0 && !f.estimated) expect(label).toBeUndefined();
        else
          expect(label).toBe(
            f.tokens === 0
              ? "tok unknown"
              : `${f.estimated ? "~" : ""}${f.tokens.toLocaleString("en-US")} tok`,
          );
      }
    }

    const lines = fromPlainLines(c.events);
    const final = fromSummary(c.events);
    expect(lines.get("run")).toBe(plainCount(final.run));
    for (const event of c.events) {
      if (event.type === "task.end")
        expect(lines.get(event.task ?? "")).toBe(
          plainCount(final.tasks[event.task ?? ""] as Figure),
        );
    }
  });
});

/** The run's cost straight from the log: its steps' costs, unknown if a step has none. */
function costFromLog(events: CrewEvent[]): string {
  let cost: number | null = 0;
  let models = 0;
  for (const event of events) {
    if (event.type !== "agent.step") continue;
    if (event.model !== undefined) models += 1;
    cost = cost === null || event.cost === undefined ? null : cost + event.cost;
  }
  const end = events.at(-1);
  const tokens = end?.type === "run.end" ? total(end.usage) : 0;
  return formatCost(models === 0 && tokens > 0 ? null : cost);
}

describe.each(CASES)("%s: every view shows the same cost", (name) => {
  it("in the summary, the client, the React message, the CLI frame and the plain lines", () => {
    const c = cases.find((x) => x.name === name)!;
    for (const events of checkpoints(c.events)) {
      const at = `after seq ${events.at(-1)?.seq ?? 0}`;
      const summary = runSummarySchema.parse(summarize(events));
      const costs = (p: {
        cost?: number | null | undefined;
        tasks: Array<{ key: string; cost?: number | null | undefined }>;
        agents: Array<{ key: string; cost?: number | null | undefined }>;
      }) => ({
        run: formatCost(p.cost),
        tasks: Object.fromEntries(p.tasks.map((t) => [t.key, formatCost(t.cost)])),
        agents: Object.fromEntries(p.agents.map((a) => [a.key, formatCost(a.cost)])),
      });
      const expected = costs(summary);
      expect(costs(clientFold(events)), `client ${at}`).toEqual(expected);
      const result = toRunResult(clientFold(events), "live");
      const part = result.content?.find((p) => p.type === "data" && p.name === CREW_PROGRESS_PART);
      if (part?.type !== "data") throw new Error("the message has no progress part");
      expect(costs((part.data as CrewProgressData).progress), `react ${at}`).toEqual(expected);

      const state = createRunViewState();
      for (const event of events) applyEvent(state, event);
      const header =
        renderFrame(state, {
          now: state.lastEventAt ?? 0,
          width: 200,
          colors: pc.createColors(false),
        }).split("\n")[0] ?? "";
      expect(/ · (\$[\d.]+|unknown) · /.exec(header)?.[1], `cli frame ${at}`).toBe(expected.run);
    }
    // The whole run: the figure every view agrees on is the one the log adds up to.
    const final = runSummarySchema.parse(summarize(c.events));
    expect(formatCost(final.cost)).toBe(costFromLog(c.events));
    const state = createRunViewState();
    let last = "";
    for (const event of c.events) {
      applyEvent(state, event);
      last = plainLine(event, state) ?? last;
    }
    expect(/ cost (\S+)/.exec(last)?.[1]).toBe(formatCost(final.cost));
  });
});

describe("cost", () => {
  it("is $0 for the offline model and unknown for a process crew that reports no model", () => {
    const free = cases.find((c) => c.name === "sequential (examples/research-crew)")!;
    expect(formatCost(runSummarySchema.parse(summarize(free.events)).cost)).toBe("$0");
    const process = cases.find((c) => c.name === "process crew (reports no usage)")!;
    const summary = runSummarySchema.parse(summarize(process.events));
    expect(total(summary.usage)).toBeGreaterThan(0);
    expect(summary.cost).toBeNull();
  });
});

describe("human input", () => {
  it("shows the run, the task and its agent waiting for the answer, in every view", () => {
    const c = cases.find((x) => x.name === "human input");
    const at = c?.events.findIndex((e) => e.type === "input.request") ?? -1;
    const events = c?.events.slice(0, at + 1) ?? [];
    expect(at).toBeGreaterThan(0);
    for (const figures of [fromSummary(events), fromClient(events), fromCliFrame(events)]) {
      expect(figures.run.status).toBe("waiting_input");
      expect(figures.tasks.write?.status).toBe("waiting_input");
      expect(figures.agents?.writer?.status).toBe("waiting_input");
      expect(figures.tasks.research?.status).toBe("completed");
    }
  });
});

describe("a run cut short", () => {
  it("reports what its unfinished model call streamed, as an estimate", () => {
    for (const name of ["cancelled mid-task", "failed (provider stream broke mid-task)"]) {
      const c = cases.find((x) => x.name === name);
      const events = c?.events ?? [];
      const end = events.at(-1);
      const finished = events.reduce((n, e) => (e.type === "task.end" ? n + total(e.usage) : n), 0);
      const streamed = events.filter(
        (e) => (e.type === "text.delta" || e.type === "reasoning.delta") && e.task === "write",
      ).length;
      expect(end).toMatchObject({ type: "run.end", estimated: true });
      // The cut-short task's call reported nothing: its streamed chunks are its output tokens.
      expect(end?.type === "run.end" && total(end.usage)).toBe(finished + streamed);
      expect(streamed).toBeGreaterThan(10);
      expect(fromSummary(events).tasks.write).toEqual({
        status: c?.run,
        tokens: streamed,
        estimated: true,
      });
    }
  });
});

describe("long-term memory", () => {
  it("shows what each task recalled and saved, the same in the client, React message and chat parts", async () => {
    const c = cases.find((x) => x.name === "long-term memory");
    const events = c?.events ?? [];
    // Straight from the log: each task's recall, then its save.
    const expected = new Map<string, { recalled: unknown[]; saved?: unknown }>();
    for (const event of events) {
      if (event.type === "memory.recall")
        expected.set(event.task, { ...expected.get(event.task), recalled: event.entries });
      if (event.type === "memory.save")
        expected.set(event.task, {
          recalled: expected.get(event.task)?.recalled ?? [],
          saved: event.entry,
        });
    }
    expect([...expected.keys()]).toEqual(["research", "write"]);
    expect(expected.get("research")?.recalled.length).toBeGreaterThan(0);
    expect(expected.get("write")?.saved).toMatchObject({ text: expect.stringContaining("write") });

    const memoryOf = (tasks: Array<{ key: string; memory?: unknown }>) =>
      new Map(tasks.map((t) => [t.key, t.memory]));
    expect(memoryOf(clientFold(events).tasks)).toEqual(expected);
    const result = toRunResult(clientFold(events), "live");
    const part = result.content?.find((p) => p.type === "data" && p.name === CREW_PROGRESS_PART);
    expect(
      part?.type === "data" && memoryOf((part.data as CrewProgressData).progress.tasks),
    ).toEqual(expected);
    async function* source(): AsyncGenerator<CrewEvent> {
      yield* events;
    }
    let last: CrewUIMessage | undefined;
    for await (const message of readUIMessageStream<CrewUIMessage>({
      stream: toUIMessageStream(source()),
      onError: () => undefined,
    }))
      last = message;
    const chatTasks = (last?.parts ?? []).flatMap((p) =>
      p.type === "data-crew-task" ? [p.data] : [],
    );
    expect(memoryOf(chatTasks)).toEqual(expected);
  });
});
