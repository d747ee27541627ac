/**
 * The progress model: one pure fold of a run's events into what every view shows (the run
 * summary of the HTTP API, `crewstream/client`, `crewstream/react`, the CLI's live view, the
 * `/api/chat` data parts and the web UI), with one status vocabulary (`run-summary.ts`) and one
 * token attribution rule (`token-ledger.ts`).
 *
 * Contract: `reduceProgress(state, event)` never changes `state`; it returns a new state that
 * shares what did not change (so React can skip unchanged tasks). Events at or below
 * `lastSeq` are ignored, so feeding an event twice changes nothing. Unknown event types only
 * advance `lastSeq`. No Node imports: this runs in browsers.
 */
import { addCost, type Cost } from "./cost.js";
import { recordMark } from "./timeline.js";
import type { CrewEvent } from "./protocol.js";
import { ZERO_USAGE } from "./protocol.js";
import {
  initialProgress,
  isActive,
  type AgentProgress,
  type CheckProgress,
  type RunProgress,
  type StepProgress,
  type TaskProgress,
  type TextSegment,
  type ThoughtProgress,
  type ToolCallProgress,
} from "./progress-state.js";
import type { PendingInput, ProgressStatus, RunProgressStatus, TokenCount } from "./run-summary.js";
import {
  addTokens,
  EMPTY_LEDGER,
  ledgerShare,
  ledgerTotal,
  recordChunk,
  recordStep,
  settle,
} from "./token-ledger.js";

/** The progress after `events`, starting from `initial`. */
export function foldProgress(
  events: Iterable<CrewEvent>,
  initial: RunProgress = initialProgress(),
): RunProgress {
  let state = initial;
  for (const event of events) state = reduceProgress(state, event);
  return state;
}

/** Applies one event. */
export function reduceProgress(state: RunProgress, event: CrewEvent): RunProgress {
  if (event.seq <= state.lastSeq) return state;
  let next: RunProgress = { ...state, lastSeq: event.seq };
  next = touch(next, event);
  next = apply(next, event);
  const timeline = recordMark(next.timeline, event);
  if (timeline !== next.timeline) next = { ...next, timeline };
  return derive(next);
}

/** Records who did what where: the agent's timing and tasks, the task's active agent. */
function touch(state: RunProgress, event: CrewEvent): RunProgress {
  let next = state;
  if (event.task !== undefined && !next.tasks.some((t) => t.key === event.task)) {
    next = { ...next, tasks: [...next.tasks, newTask(event.task, next.tasks.length)] };
  }
  const agentKey = event.type === "task.delegate" ? event.from : event.agent;
  if (agentKey === undefined || event.type === "run.start") return next;
  next = withTask(next, event.task, (t) =>
    event.agent === undefined || t.activeAgent === event.agent
      ? t
      : { ...t, activeAgent: event.agent },
  );
  return withAgent(next, agentKey, (a) => {
    const startedAt = a.startedAt ?? event.ts;
    const tasks =
      event.task === undefined || a.tasks.includes(event.task) ? a.tasks : [...a.tasks, event.task];
    return {
      ...a,
      tasks,
      startedAt,
      endedAt: event.ts,
      durationMs: Math.max(0, Date.parse(event.ts) - Date.parse(startedAt)),
    };
  });
}

function apply(state: RunProgress, event: CrewEvent): RunProgress {
  switch (event.type) {
    case "run.start": {
      const known = new Map(state.agents.map((a) => [a.key, a]));
      const agents = event.agents.map((a) => ({
        ...(known.get(a.key) ?? newAgent(a.key)),
        role: a.role,
      }));
      const listed = new Set(event.agents.map((a) => a.key));
      return {
        ...state,
        runId: event.runId,
        crew: event.crew,
        process: event.process,
        inputs: event.inputs,
        status: "running",
        startedAt: event.ts,
        ...(event.warnings === undefined || event.warnings.length === 0
          ? {}
          : { warnings: event.warnings }),
        agents: [...agents, ...state.agents.filter((a) => !listed.has(a.key))],
        tasks: event.tasks.map((t, index) => {
          const task = state.tasks.find((s) => s.key === t.key) ?? newTask(t.key, index);
          return { ...task, index, ...(t.agent === undefined ? {} : { agent: t.agent }) };
        }),
      };
    }
    case "task.start":
      return {
        ...withTask(state, event.task, (t) => ({
          ...t,
          index: event.index,
          status: "running",
          description: event.description,
          startedAt: event.ts,
          ...(event.agent === undefined ? {} : { agent: event.agent }),
        })),
        ...(event.task === undefined ? {} : { currentTask: event.task }),
      };
    case "agent.step": {
      const next = withTask(state, event.task, (t) => {
        const { retry: _retry, ...rest } = t;
        const lastStep: StepProgress = {
          step: event.step,
          kind: event.kind,
          text: event.text,
          ...(event.agent === undefined ? {} : { agent: event.agent }),
        };
        const who = event.agent ?? t.activeAgent ?? t.agent;
        const ledger =
          event.usage === undefined || who === undefined
            ? t.ledger
            : recordStep(t.ledger, who, event.usage);
        // A step without a cost (unpriced model, process crew) makes the sums unknown.
        const cost = event.cost ?? null;
        const agentCosts =
          who === undefined
            ? t.agentCosts
            : { ...t.agentCosts, [who]: addCost(t.agentCosts[who] ?? 0, cost) };
        return {
          ...rest,
          steps: t.steps + 1,
          lastStep,
          ledger,
          thoughts: closeThought(t.thoughts, event.agent, event.step),
          callsCost: addCost(t.callsCost, cost),
          modelCalls: t.modelCalls + (event.model === undefined ? 0 : 1),
          agentCosts,
          ...withWarnings(t, event.warnings),
        };
      });
      return withAgent(next, event.agent, (a) => ({ ...a, steps: a.steps + 1 }));
    }
    case "text.delta":
      return withTask(state, event.task, (t) => {
        const { retry: _retry, ...rest } = t;
        const who = event.agent ?? t.activeAgent ?? t.agent ?? "";
        return {
          ...rest,
          segments: appendText(t.segments, event.agent, event.delta),
          ledger: recordChunk(t.ledger, who),
        };
      });
    case "reasoning.delta":
      return withTask(state, event.task, (t) => {
        const who = event.agent ?? t.activeAgent ?? t.agent ?? "";
        return {
          ...t,
          thoughts: appendThought(t.thoughts, event.agent, event.delta),
          // Reasoning tokens are output tokens: they count in the estimate like text does.
          ledger: recordChunk(t.ledger, who),
        };
      });
    case "tool.call": {
      const call: ToolCallProgress = {
        callId: event.callId,
        tool: event.tool,
        args: event.args,
        status: "running",
        ...(event.agent === undefined ? {} : { agent: event.agent }),
      };
      const next = withTask(state, event.task, (t) => ({ ...t, tools: [...t.tools, call] }));
      return withAgent(next, event.agent, (a) => ({ ...a, toolCalls: a.toolCalls + 1 }));
    }
    case "tool.result":
      return withTask(state, event.task, (t) => ({
        ...t,
        tools: t.tools.map((c) =>
          c.callId !== event.callId
            ? c
            : event.error === undefined
              ? { ...c, status: "completed", result: event.result }
              : { ...c, status: "failed", error: event.error },
        ),
      }));
    case "task.delegate": {
      const delegation = { from: event.from, to: event.to, reason: event.reason };
      const next = withTask(state, event.task, (t) => ({
        ...t,
        activeAgent: event.to,
        delegations: [...t.delegations, delegation],
      }));
      return withAgent(next, event.from, (a) => ({ ...a, delegations: a.delegations + 1 }));
    }
    case "input.request": {
      const request: PendingInput = {
        requestId: event.requestId,
        prompt: event.prompt,
        ...(event.agent === undefined ? {} : { agent: event.agent }),
        ...(event.task === undefined ? {} : { task: event.task }),
      };
      return {
        ...withTask(state, event.task, (t) => ({
          ...t,
          status: "waiting_input",
          inputs: [...t.inputs, { requestId: event.requestId, prompt: event.prompt }],
        })),
        waitingFor: [...state.waitingFor, request],
      };
    }
    case "input.response":
      return {
        ...withTask(state, event.task, (t) => ({
          ...t,
          status: t.status === "waiting_input" ? "running" : t.status,
          inputs: t.inputs.map((i) =>
            i.requestId === event.requestId ? { ...i, answer: event.text } : i,
          ),
        })),
        waitingFor: state.waitingFor.filter((r) => r.requestId !== event.requestId),
      };
    case "llm.retry": {
      const retry = {
        attempt: event.attempt,
        delayMs: event.delayMs,
        reason: event.reason,
        ts: event.ts,
      };
      return withTask(state, event.task, (t) => ({ ...t, retry }));
    }
    case "task.end": {
      const next = withTask(state, event.task, (t) => {
        const { retry: _retry, ...rest } = t;
        return {
          ...rest,
          status: "completed",
          output: event.output,
          ...(event.object === undefined ? {} : { object: event.object }),
          ...(event.file === undefined ? {} : { file: event.file }),
          endedAt: event.ts,
          durationMs: event.durationMs,
          tools: t.tools.map((c) => (c.status === "running" ? { ...c, status: "completed" } : c)),
          ledger: settle(
            t.ledger,
            event.usage,
            event.estimated === true,
            event.agent ?? t.activeAgent ?? t.agent,
          ),
        };
      });
      if (next.currentTask !== event.task) return next;
      const { currentTask: _current, ...rest } = next;
      return rest;
    }
    case "object.delta":
      return withTask(state, event.task, (t) => ({ ...t, object: event.partial }));
    case "guardrail.check": {
      const check: CheckProgress = {
        attempt: event.attempt,
        ok: event.ok,
        ...(event.feedback === undefined ? {} : { feedback: event.feedback }),
      };
      return withTask(state, event.task, (t) => {
        // A sentence guardrail's check is a model call: its tokens count like a step's.
        const who = event.agent ?? t.activeAgent ?? t.agent;
        const ledger =
          event.usage === undefined || who === undefined
            ? t.ledger
            : recordStep(t.ledger, who, event.usage);
        return {
          ...t,
          checks: [...(t.checks ?? []), check],
          ledger,
          ...withWarnings(t, event.warnings),
        };
      });
    }
    case "memory.recall":
      return withTask(state, event.task, (t) => ({
        ...t,
        memory: { ...t.memory, recalled: event.entries },
      }));
    case "memory.save":
      return withTask(state, event.task, (t) => ({
        ...t,
        memory: { recalled: t.memory?.recalled ?? [], saved: event.entry },
      }));
    case "run.end":
      return endRun(state, event);
    default:
      return state;
  }
}

/**
 * Closes the run. Tasks still at work take its status; tasks never started are cancelled when
 * it did not complete. The usage `run.end` reports beyond the finished tasks settles the open
 * tasks' estimates when it covers what they reported and streamed (a run cut short counts
 * what its unfinished model calls streamed); a smaller figure (an older producer reporting 0)
 * leaves the streamed estimates standing, as the best count of what was consumed.
 */
function endRun(state: RunProgress, event: Extract<CrewEvent, { type: "run.end" }>): RunProgress {
  const open = state.tasks.filter((t) => isActive(t.status));
  const closed = state.tasks
    .filter((t) => !isActive(t.status))
    .reduce((sum, t) => addTokens(sum, ledgerTotal(t.ledger)), {
      usage: ZERO_USAGE,
      estimated: false,
    });
  const openReported = open.reduce(
    (sum, t) =>
      Object.values(t.ledger.entries).reduce(
        (s, e) => ({
          inputTokens: s.inputTokens + e.reported.inputTokens,
          outputTokens: s.outputTokens + e.reported.outputTokens,
        }),
        sum,
      ),
    ZERO_USAGE,
  );
  const extra = {
    inputTokens: event.usage.inputTokens - closed.usage.inputTokens - openReported.inputTokens,
    outputTokens: event.usage.outputTokens - closed.usage.outputTokens - openReported.outputTokens,
  };
  const streamed = open.reduce(
    (n, t) => Object.values(t.ledger.entries).reduce((m, e) => m + e.streamed, n),
    0,
  );
  // The run's figure replaces the estimates only when it counts at least what was streamed.
  const covered = open.length > 0 && extra.inputTokens >= 0 && extra.outputTokens >= streamed;
  // The first open task takes what the run reports beyond the reported steps; in the engine
  // only one task is open at a time.
  let first = true;
  const ending: ProgressStatus = event.status;
  const tasks = state.tasks.map((t) => {
    if (isActive(t.status)) {
      const { retry: _retry, ...rest } = t;
      let ledger = t.ledger;
      if (covered) {
        const reported = Object.values(t.ledger.entries).reduce(
          (s, e) => ({
            inputTokens: s.inputTokens + e.reported.inputTokens,
            outputTokens: s.outputTokens + e.reported.outputTokens,
          }),
          ZERO_USAGE,
        );
        const share = first
          ? {
              inputTokens: reported.inputTokens + extra.inputTokens,
              outputTokens: reported.outputTokens + extra.outputTokens,
            }
          : reported;
        ledger = settle(t.ledger, share, event.estimated === true, t.activeAgent ?? t.agent);
        first = false;
      }
      return { ...rest, status: ending, endedAt: event.ts, ledger };
    }
    if (t.status === "pending" && event.status !== "completed")
      return { ...t, status: "cancelled" as const };
    return t;
  });
  const working = new Set(
    open.flatMap((t) => [t.activeAgent, t.agent]).filter((k): k is string => k !== undefined),
  );
  const { currentTask: _current, ...rest } = state;
  return {
    ...rest,
    status: event.status,
    endedAt: event.ts,
    durationMs: event.durationMs,
    ...(event.result === undefined ? {} : { result: event.result }),
    ...(event.error === undefined ? {} : { error: event.error }),
    waitingFor: [],
    tasks,
    agents: state.agents.map((a) => (working.has(a.key) ? { ...a, endStatus: ending } : a)),
  };
}

/** Recomputes what follows from the tasks: tokens of tasks, agents and run; statuses. */
function derive(state: RunProgress): RunProgress {
  let total: TokenCount = { usage: ZERO_USAGE, estimated: false };
  let runCost: Cost = 0;
  // Tokens of a run whose steps never named a model (a process crew) were not free: unknown.
  const unpriced = !state.tasks.some((t) => t.modelCalls > 0);
  const tasks = state.tasks.map((t) => {
    const count = ledgerTotal(t.ledger);
    total = addTokens(total, count);
    const cost =
      unpriced && count.usage.inputTokens + count.usage.outputTokens > 0 ? null : t.callsCost;
    runCost = addCost(runCost, cost);
    return sameTokens(t, count) && t.cost === cost ? t : { ...t, ...count, cost };
  });
  const agents = state.agents.map((a) => {
    let count: TokenCount = { usage: ZERO_USAGE, estimated: false };
    let cost: Cost = 0;
    let status: ProgressStatus | undefined;
    for (const t of tasks) {
      const spent = t.agentCosts[a.key];
      if (spent !== undefined) cost = addCost(cost, spent);
      else if (t.cost === null && ledgerShare(t.ledger, a.key) !== undefined) cost = null;
      if (unpriced && spent !== undefined && ledgerShare(t.ledger, a.key) !== undefined)
        cost = null;
      const share = ledgerShare(t.ledger, a.key);
      if (share !== undefined) count = addTokens(count, share);
      if (isActive(t.status) && (t.activeAgent === a.key || t.agent === a.key)) {
        status = status === "running" ? status : t.status;
      }
    }
    status ??= a.endStatus ?? (a.tasks.length > 0 ? "completed" : "pending");
    return sameTokens(a, count) && a.status === status && a.cost === cost
      ? a
      : { ...a, ...count, status, cost };
  });
  const status: RunProgressStatus =
    state.status === "running" || state.status === "waiting_input"
      ? state.waitingFor.length > 0
        ? "waiting_input"
        : "running"
      : state.status;
  return { ...state, ...total, status, tasks, agents, cost: runCost };
}

function sameTokens(a: TokenCount, b: TokenCount): boolean {
  return (
    a.estimated === b.estimated &&
    a.usage.inputTokens === b.usage.inputTokens &&
    a.usage.outputTokens === b.usage.outputTokens
  );
}

function newTask(key: string, index: number): TaskProgress {
  return {
    key,
    index,
    status: "pending",
    steps: 0,
    segments: [],
    thoughts: [],
    tools: [],
    delegations: [],
    inputs: [],
    usage: ZERO_USAGE,
    estimated: false,
    ledger: EMPTY_LEDGER,
    cost: 0,
    callsCost: 0,
    modelCalls: 0,
    agentCosts: {},
  };
}

function newAgent(key: string): AgentProgress {
  return {
    key,
    role: key,
    status: "pending",
    steps: 0,
    toolCalls: 0,
    delegations: 0,
    tasks: [],
    usage: ZERO_USAGE,
    estimated: false,
    cost: 0,
  };
}

function appendText(
  segments: TextSegment[],
  agent: string | undefined,
  delta: string,
): TextSegment[] {
  const last = segments.at(-1);
  if (last !== undefined && last.agent === agent)
    return [...segments.slice(0, -1), { ...last, text: last.text + delta }];
  return [...segments, { ...(agent === undefined ? {} : { agent }), text: delta }];
}

/** Adds reasoning to the open thought of `agent`, or opens a new one. */
function appendThought(
  thoughts: ThoughtProgress[],
  agent: string | undefined,
  delta: string,
): ThoughtProgress[] {
  const last = thoughts.at(-1);
  if (last !== undefined && last.step === undefined && last.agent === agent)
    return [...thoughts.slice(0, -1), { ...last, text: last.text + delta }];
  return [...thoughts, { ...(agent === undefined ? {} : { agent }), text: delta }];
}

/** Ties the open thought of `agent` to the step it led to. */
function closeThought(
  thoughts: ThoughtProgress[],
  agent: string | undefined,
  step: number,
): ThoughtProgress[] {
  const last = thoughts.at(-1);
  if (last === undefined || last.step !== undefined || last.agent !== agent) return thoughts;
  return [...thoughts.slice(0, -1), { ...last, step }];
}

function withTask(
  state: RunProgress,
  key: string | undefined,
  change: (task: TaskProgress) => TaskProgress,
): RunProgress {
  if (key === undefined) return state;
  const position = state.tasks.findIndex((t) => t.key === key);
  const task = state.tasks[position];
  if (task === undefined) return state;
  const changed = change(task);
  if (changed === task) return state;
  const tasks = state.tasks.slice();
  tasks[position] = changed;
  return { ...state, tasks };
}

/** Changes the agent, adding it first when the crew did not list it (a hierarchical manager). */
function withAgent(
  state: RunProgress,
  key: string | undefined,
  change: (agent: AgentProgress) => AgentProgress,
): RunProgress {
  if (key === undefined) return state;
  const position = state.agents.findIndex((a) => a.key === key);
  if (position === -1) return { ...state, agents: [...state.agents, change(newAgent(key))] };
  const agents = state.agents.slice();
  agents[position] = change(agents[position] as AgentProgress);
  return { ...state, agents };
}

/** Most distinct provider warnings kept per task. */
const MAX_TASK_WARNINGS = 10;

/** The task's warnings with those of a call added (each said once, however many calls repeat it). */
function withWarnings(
  task: TaskProgress,
  warnings: readonly string[] | undefined,
): Pick<TaskProgress, "warnings"> {
  if (warnings === undefined) return {};
  const next = [...(task.warnings ?? [])];
  for (const warning of warnings)
    if (!next.includes(warning) && next.length < MAX_TASK_WARNINGS) next.push(warning);
  return { warnings: next };
}
