/**
 * What the terminal shows about a run, folded from its protocol events. The live view and the
 * plain-line output both read this state; it holds no timers and no terminal code, so the
 * same events always give the same state (replay shows exactly what the live run showed).
 */
import type { CrewEvent, RunEndEvent, TaskEndEvent } from "../events/index.js";
import { fillKnownPlaceholders } from "../crew/index.js";
import type { AgentView, RunViewState, TaskView, ViewStatus } from "./run-view.js";

export type { AgentView, RunViewState, TaskView, ToolCallView, ViewStatus } from "./run-view.js";
/** Characters of streamed text kept per task: enough for a few terminal lines. */
const TAIL_CHARS = 600;

/** An empty view, before `run.start`. */
export function createRunViewState(): RunViewState {
  return { lastSeq: 0, agents: [], tasks: [] };
}

function findTask(state: RunViewState, key: string | undefined): TaskView | undefined {
  return key === undefined ? undefined : state.tasks.find((task) => task.key === key);
}

function findAgent(state: RunViewState, key: string | undefined): AgentView | undefined {
  if (key === undefined) return undefined;
  let agent = state.agents.find((candidate) => candidate.key === key);
  if (agent === undefined) {
    // Hierarchical managers may not be in run.start's agent list; show them anyway.
    agent = { key, role: key, status: "pending", tokens: 0, steps: 0 };
    state.agents.push(agent);
  }
  return agent;
}

/** Marks the agent as working on the task the event belongs to. */
function touchAgent(state: RunViewState, event: CrewEvent): AgentView | undefined {
  const agent = findAgent(state, event.agent);
  if (agent !== undefined && state.end === undefined) {
    agent.status = "running";
    if (event.task !== undefined) agent.task = event.task;
  }
  const task = findTask(state, event.task);
  if (task !== undefined && event.agent !== undefined) task.agent = event.agent;
  return agent;
}

/**
 * Folds one event into the state (mutating it) and returns it. Events of unknown types and
 * events for unknown tasks are ignored, as the protocol requires of consumers.
 */
export function applyEvent(state: RunViewState, event: CrewEvent): RunViewState {
  const at = Date.parse(event.ts);
  if (!Number.isNaN(at)) state.lastEventAt = at;
  state.lastSeq = Math.max(state.lastSeq, event.seq);
  state.runId ??= event.runId;
  switch (event.type) {
    case "run.start":
      state.crew = event.crew;
      state.process = event.process;
      state.startedAt = at;
      state.agents = event.agents.map((a) => ({
        key: a.key,
        role: fillKnownPlaceholders(a.role, event.inputs).trim(),
        status: "pending",
        tokens: 0,
        steps: 0,
      }));
      state.tasks = event.tasks.map((t, index) => ({
        key: t.key,
        ...(t.agent === undefined ? {} : { agent: t.agent }),
        index,
        description: "",
        status: "pending",
        streamedChunks: 0,
        chunksByAgent: {},
        tail: "",
        tools: [],
        delegations: [],
      }));
      break;
    case "task.start": {
      const task = findTask(state, event.task);
      if (task === undefined) break;
      task.status = "running";
      task.startedAt = at;
      task.description = event.description;
      touchAgent(state, event);
      break;
    }
    case "text.delta": {
      const task = findTask(state, event.task);
      if (task !== undefined) {
        task.streamedChunks += 1;
        task.tail = (task.tail + event.delta).slice(-TAIL_CHARS);
        // Text flowing again means the retry it waited for has happened.
        delete task.retry;
        if (event.agent !== undefined)
          task.chunksByAgent[event.agent] = (task.chunksByAgent[event.agent] ?? 0) + 1;
      }
      const agent = touchAgent(state, event);
      if (agent !== undefined) agent.tokens += 1;
      break;
    }
    case "agent.step": {
      const task = findTask(state, event.task);
      if (task !== undefined) {
        task.lastStep = {
          step: event.step,
          kind: event.kind,
          text: event.text,
          ...(event.agent === undefined ? {} : { agent: event.agent }),
        };
        delete task.retry;
      }
      const agent = touchAgent(state, event);
      if (agent !== undefined) agent.steps += 1;
      break;
    }
    case "tool.call":
      touchAgent(state, event);
      findTask(state, event.task)?.tools.push({
        callId: event.callId,
        tool: event.tool,
        args: event.args,
        state: "running",
        ...(event.agent === undefined ? {} : { agent: event.agent }),
      });
      break;
    case "tool.result": {
      const call = findTask(state, event.task)?.tools.find((c) => c.callId === event.callId);
      if (call !== undefined) {
        call.state = event.error === undefined ? "ok" : "error";
        if (event.error !== undefined) call.error = event.error.message;
      }
      break;
    }
    case "task.delegate":
      findTask(state, event.task)?.delegations.push({
        from: event.from,
        to: event.to,
        reason: event.reason,
      });
      break;
    case "llm.retry": {
      const task = findTask(state, event.task);
      if (task !== undefined)
        task.retry = { attempt: event.attempt, delayMs: event.delayMs, reason: event.reason, at };
      touchAgent(state, event);
      break;
    }
    case "input.request": {
      state.pendingInput = event;
      const task = findTask(state, event.task);
      if (task !== undefined) task.status = "waiting";
      break;
    }
    case "input.response": {
      if (state.pendingInput?.requestId === event.requestId) delete state.pendingInput;
      const task = findTask(state, event.task);
      if (task?.status === "waiting") task.status = "running";
      break;
    }
    case "task.end":
      endTask(state, event, at);
      break;
    case "run.end":
      endRun(state, event);
      break;
    default:
      break;
  }
  return state;
}

function endTask(state: RunViewState, event: TaskEndEvent, at: number): void {
  const key = event.task;
  const usage = event.usage;
  const task = findTask(state, key);
  if (task === undefined) return;
  task.status = "done";
  task.endedAt = at;
  task.durationMs = event.durationMs;
  task.usage = usage;
  task.output = event.output;
  delete task.retry;
  for (const call of task.tools) if (call.state === "running") call.state = "ok";
  for (const agent of state.agents) {
    if (agent.task !== key) continue;
    agent.status = "done";
    delete agent.task;
  }
  // The exact output tokens replace the streaming estimate, shared in proportion to what each
  // agent streamed (one agent in sequential crews; manager and coworkers in hierarchical ones).
  const total = task.streamedChunks;
  for (const [agentKey, chunks] of Object.entries(task.chunksByAgent)) {
    const agent = state.agents.find((candidate) => candidate.key === agentKey);
    if (agent === undefined || total === 0) continue;
    agent.tokens += Math.round((usage.outputTokens * chunks) / total) - chunks;
  }
  if (total === 0 && task.agent !== undefined) {
    const owner = state.agents.find((candidate) => candidate.key === task.agent);
    if (owner !== undefined) owner.tokens += usage.outputTokens;
  }
}

function endRun(state: RunViewState, event: RunEndEvent): void {
  state.end = event;
  delete state.pendingInput;
  const finalStatus: ViewStatus =
    event.status === "completed" ? "done" : event.status === "failed" ? "failed" : "cancelled";
  const at = Date.parse(event.ts);
  for (const task of state.tasks) {
    if (task.status === "running" || task.status === "waiting") {
      task.status = finalStatus;
      task.endedAt = at;
    }
  }
  for (const agent of state.agents) {
    if (agent.status === "running") agent.status = finalStatus;
    delete agent.task;
  }
}
