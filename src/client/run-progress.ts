/**
 * Folds a run's events into a {@link RunProgress}. Pure and immutable: `reduceProgress(state,
 * event)` never changes `state`. Events at or below `lastSeq` are ignored, so feeding an
 * event twice changes nothing.
 */
import { addUsage, ZERO_USAGE } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import type { AgentProgress, RunProgress, TaskProgress, TaskStatus } from "./run-progress-types.js";

/** The state before any event. */
export function emptyProgress(runId?: string): RunProgress {
  return {
    ...(runId ? { runId } : {}),
    status: "starting",
    agents: [],
    tasks: [],
    usage: ZERO_USAGE,
    lastSeq: 0,
  };
}

/** The state after `events`, starting from {@link emptyProgress}. */
export function foldProgress(
  events: Iterable<CrewEvent>,
  initial: RunProgress = emptyProgress(),
): RunProgress {
  let state = initial;
  for (const event of events) state = reduceProgress(state, event);
  return state;
}

/** The text the run has written so far that a chat shows as the answer: the result once completed, else the last task's text. */
export function finalText(progress: RunProgress): string {
  if (progress.result !== undefined) return progress.result;
  const last = progress.tasks.at(-1);
  if (!last || last.status === "pending") return "";
  return last.output ?? last.segments.map((s) => s.text).join("");
}

/** Applies one event. */
export function reduceProgress(state: RunProgress, event: CrewEvent): RunProgress {
  if (event.seq <= state.lastSeq) return state;
  const next: RunProgress = {
    ...state,
    lastSeq: event.seq,
    ...(event.task ? { currentTask: event.task } : {}),
  };
  switch (event.type) {
    case "run.start":
      return {
        ...next,
        runId: event.runId,
        crew: event.crew,
        process: event.process,
        inputs: event.inputs,
        status: "running",
        startedAt: event.ts,
        agents: event.agents.map((a) => ({
          ...a,
          status: "idle",
          steps: 0,
          toolCalls: 0,
          outputTokens: 0,
        })),
        tasks: event.tasks.map((t, index) => ({
          key: t.key,
          index,
          ...(t.agent ? { agent: t.agent } : {}),
          status: "pending",
          steps: 0,
          segments: [],
          tools: [],
          delegations: [],
          inputs: [],
        })),
      };
    case "task.start":
      return withAgent(
        withTask(next, event.task, event.index, (t) => ({
          ...t,
          status: "running",
          description: event.description,
          startedAt: event.ts,
        })),
        event.agent,
        (a) => ({ ...a, status: "working" }),
      );
    case "agent.step":
      return withAgent(
        withTask(next, event.task, undefined, (t) => ({
          ...t,
          steps: t.steps + 1,
          lastStep: { kind: event.kind, text: event.text },
        })),
        event.agent,
        (a) => ({ ...a, status: "working", steps: a.steps + 1 }),
      );
    case "text.delta": {
      const { retry: _retry, ...rest } = next;
      return withTask(rest, event.task, undefined, (t) => appendText(t, event.agent, event.delta));
    }
    case "reasoning.delta":
      // Reasoning is not part of a task's text; views that show it read the events themselves.
      return next;
    case "tool.call":
      return withAgent(
        withTask(next, event.task, undefined, (t) => ({
          ...t,
          tools: [
            ...t.tools,
            {
              callId: event.callId,
              tool: event.tool,
              args: event.args,
              status: "running",
              ...(event.agent ? { agent: event.agent } : {}),
            },
          ],
        })),
        event.agent,
        (a) => ({ ...a, toolCalls: a.toolCalls + 1 }),
      );
    case "tool.result":
      return withTask(next, event.task, undefined, (t) => ({
        ...t,
        tools: t.tools.map((c) =>
          c.callId !== event.callId
            ? c
            : event.error
              ? { ...c, status: "error", error: event.error }
              : { ...c, status: "done", result: event.result },
        ),
      }));
    case "task.delegate":
      return withAgent(
        withTask(next, event.task, undefined, (t) => ({
          ...t,
          delegations: [...t.delegations, { from: event.from, to: event.to, reason: event.reason }],
        })),
        event.to,
        (a) => ({ ...a, status: "working" }),
      );
    case "input.request":
      return {
        ...withTask(next, event.task, undefined, (t) => ({
          ...t,
          status: "waiting",
          inputs: [...t.inputs, { requestId: event.requestId, prompt: event.prompt }],
        })),
        pendingInput: {
          requestId: event.requestId,
          prompt: event.prompt,
          ...(event.task ? { task: event.task } : {}),
        },
      };
    case "input.response": {
      const { pendingInput: _pending, ...rest } = next;
      return withTask(rest, event.task, undefined, (t) => ({
        ...t,
        status: t.status === "waiting" ? "running" : t.status,
        inputs: t.inputs.map((i) =>
          i.requestId === event.requestId ? { ...i, answer: event.text } : i,
        ),
      }));
    }
    case "llm.retry":
      return {
        ...next,
        retry: {
          attempt: event.attempt,
          delayMs: event.delayMs,
          reason: event.reason,
          ts: event.ts,
        },
      };
    case "task.end":
      return withAgent(
        withTask(next, event.task, undefined, (t) => ({
          ...t,
          status: "completed",
          output: event.output,
          usage: event.usage,
          endedAt: event.ts,
          durationMs: event.durationMs,
        })),
        event.agent,
        (a) => ({ ...a, outputTokens: a.outputTokens + event.usage.outputTokens }),
      );
    case "run.end": {
      const { pendingInput: _pending, retry: _retry, ...rest } = next;
      const closing: TaskStatus = event.status === "completed" ? "completed" : event.status;
      return {
        ...rest,
        status: event.status,
        usage: addUsage(ZERO_USAGE, event.usage),
        endedAt: event.ts,
        durationMs: event.durationMs,
        ...(event.result === undefined ? {} : { result: event.result }),
        ...(event.error ? { error: event.error } : {}),
        tasks: rest.tasks.map((t) =>
          t.status === "running" || t.status === "waiting"
            ? { ...t, status: closing, endedAt: event.ts }
            : t,
        ),
        agents: rest.agents.map((a) => (a.status === "working" ? { ...a, status: "done" } : a)),
      };
    }
  }
}

function appendText(task: TaskProgress, agent: string | undefined, delta: string): TaskProgress {
  const last = task.segments.at(-1);
  if (last && last.agent === agent) {
    return {
      ...task,
      segments: [...task.segments.slice(0, -1), { ...last, text: last.text + delta }],
    };
  }
  return { ...task, segments: [...task.segments, { ...(agent ? { agent } : {}), text: delta }] };
}

function withTask(
  state: RunProgress,
  key: string | undefined,
  index: number | undefined,
  change: (task: TaskProgress) => TaskProgress,
): RunProgress {
  if (key === undefined) return state;
  const position = state.tasks.findIndex((t) => t.key === key);
  if (position === -1) {
    const created: TaskProgress = {
      key,
      index: index ?? state.tasks.length,
      status: "pending",
      steps: 0,
      segments: [],
      tools: [],
      delegations: [],
      inputs: [],
    };
    return { ...state, tasks: [...state.tasks, change(created)] };
  }
  const tasks = state.tasks.slice();
  tasks[position] = change(tasks[position] as TaskProgress);
  return { ...state, tasks };
}

function withAgent(
  state: RunProgress,
  key: string | undefined,
  change: (agent: AgentProgress) => AgentProgress,
): RunProgress {
  if (key === undefined) return state;
  const agents = state.agents.map((a) => {
    if (a.key === key) return change(a);
    // One agent works at a time in a sequential crew: the others that were working are done.
    return a.status === "working" && state.process === "sequential"
      ? { ...a, status: "done" as const }
      : a;
  });
  return { ...state, agents };
}
