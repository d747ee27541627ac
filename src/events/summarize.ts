/**
 * Progress of a run by agent and by task, folded from its events: what `GET /api/runs/:id`
 * answers as `summary` and what progress views show.
 *
 * Tokens: a finished task counts the usage of its `task.end`; while a task runs, each
 * `text.delta` counts as one output token, an estimate flagged by `estimated: true`. When a
 * task's text came from several agents (a hierarchical manager and its coworkers), its usage is
 * shared among them in proportion to the text each streamed.
 */
import type { CrewEvent, ErrorInfo, RunEndStatus, Usage } from "./protocol.js";
import { addUsage, ZERO_USAGE } from "./protocol.js";

/** Status of an agent or a task. Tasks never started when a run fails or is cancelled are `cancelled`. */
export type ProgressStatus =
  "pending" | "running" | "waiting_input" | "completed" | "failed" | "cancelled";

/** Counters shared by agents and tasks. */
export interface ProgressCounts {
  status: ProgressStatus;
  /** `agent.step` events. */
  steps: number;
  /** `tool.call` events. */
  toolCalls: number;
  /** `task.delegate` events (for an agent: the ones it made). */
  delegations: number;
  /** Tokens: exact from `task.end`, estimated from `text.delta` while running. */
  usage: Usage;
  /** True when `usage` includes an estimate. */
  estimated: boolean;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
}

/** Progress of one task. */
export interface TaskProgress extends ProgressCounts {
  key: string;
  /** Key of the agent that owns the task, when it has one. */
  agent?: string;
  /** 0-based position in the crew's task list. */
  index?: number;
  /** Description with `{placeholders}` filled in. */
  description?: string;
  /** The task's output once completed. */
  output?: string;
}

/** Progress of one agent. */
export interface AgentProgress extends ProgressCounts {
  key: string;
  role?: string;
  /** Keys of the tasks the agent worked on, in order. */
  tasks: string[];
}

/** A pending `input.request`. */
export interface PendingInput {
  requestId: string;
  prompt: string;
  agent?: string;
  task?: string;
}

/** Progress of a whole run. */
export interface RunSummary {
  status: "queued" | "running" | RunEndStatus;
  crew?: string;
  /** `seq` of the last event folded in. */
  lastSeq: number;
  usage: Usage;
  estimated: boolean;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  result?: string;
  error?: ErrorInfo;
  /** Key of the task that started last and has not ended. */
  currentTask?: string;
  /** Input requests not answered yet. */
  waitingFor: PendingInput[];
  tasks: TaskProgress[];
  agents: AgentProgress[];
}

interface TaskState extends TaskProgress {
  /** `text.delta` count per agent key ("" for none) while the task runs. */
  deltas: Map<string, number>;
  current?: string;
}

interface AgentState extends AgentProgress {
  final: Usage;
  /** Status the run's end left the agent in (failed/cancelled mid-task). */
  endStatus?: ProgressStatus;
}

/** Folds events into a {@link RunSummary} one at a time, so a live view stays current. */
export class SummaryBuilder {
  #run: Omit<RunSummary, "tasks" | "agents" | "usage" | "estimated"> = {
    status: "queued",
    lastSeq: 0,
    waitingFor: [],
  };
  #endUsage: Usage | undefined;
  readonly #tasks = new Map<string, TaskState>();
  readonly #agents = new Map<string, AgentState>();

  /** Folds in one event; unknown types only advance `lastSeq`. */
  add(event: CrewEvent): this {
    this.#run.lastSeq = Math.max(this.#run.lastSeq, event.seq);
    const task = event.task === undefined ? undefined : this.#task(event.task);
    const agent =
      event.agent === undefined ? undefined : this.#agent(event.agent, event.ts, task?.key);
    if (task && event.agent !== undefined) task.current = event.agent;
    switch (event.type) {
      case "run.start":
        Object.assign(this.#run, { status: "running", crew: event.crew, startedAt: event.ts });
        for (const a of event.agents) this.#agent(a.key).role = a.role;
        for (const t of event.tasks) if (t.agent !== undefined) this.#task(t.key).agent = t.agent;
        break;
      case "task.start":
        if (task)
          Object.assign(task, {
            status: "running",
            index: event.index,
            description: event.description,
            startedAt: event.ts,
          });
        if (task) this.#run.currentTask = task.key;
        break;
      case "agent.step":
        if (task) task.steps += 1;
        if (agent) agent.steps += 1;
        break;
      case "text.delta":
        if (task) task.deltas.set(event.agent ?? "", (task.deltas.get(event.agent ?? "") ?? 0) + 1);
        break;
      case "tool.call":
        if (task) task.toolCalls += 1;
        if (agent) agent.toolCalls += 1;
        break;
      case "task.delegate":
        if (task) task.delegations += 1;
        this.#agent(event.from, event.ts, task?.key).delegations += 1;
        break;
      case "input.request":
        if (task) task.status = "waiting_input";
        this.#run.waitingFor.push({
          requestId: event.requestId,
          prompt: event.prompt,
          ...pick(event),
        });
        break;
      case "input.response":
        if (task?.status === "waiting_input") task.status = "running";
        this.#run.waitingFor = this.#run.waitingFor.filter((r) => r.requestId !== event.requestId);
        break;
      case "task.end":
        if (task) this.#endTask(task, event);
        break;
      case "run.end":
        this.#endRun(event);
        break;
    }
    return this;
  }

  /** Folds in many events. */
  addAll(events: Iterable<CrewEvent>): this {
    for (const event of events) this.add(event);
    return this;
  }

  /** The summary so far, as a fresh object the caller may keep. */
  snapshot(): RunSummary {
    const tasks = [...this.#tasks.values()].map((t) => this.#taskView(t));
    const agents = [...this.#agents.values()].map((a) => this.#agentView(a));
    const usage = this.#endUsage ?? tasks.reduce((sum, t) => addUsage(sum, t.usage), ZERO_USAGE);
    const estimated = this.#endUsage === undefined && tasks.some((t) => t.estimated);
    return structuredClone({ ...this.#run, usage, estimated, tasks, agents });
  }

  #task(key: string): TaskState {
    let task = this.#tasks.get(key);
    if (!task) {
      task = {
        key,
        status: "pending",
        steps: 0,
        toolCalls: 0,
        delegations: 0,
        usage: ZERO_USAGE,
        estimated: false,
        deltas: new Map(),
      };
      this.#tasks.set(key, task);
    }
    return task;
  }

  #agent(key: string, ts?: string, taskKey?: string): AgentState {
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = {
        key,
        status: "pending",
        steps: 0,
        toolCalls: 0,
        delegations: 0,
        usage: ZERO_USAGE,
        estimated: false,
        tasks: [],
        final: ZERO_USAGE,
      };
      this.#agents.set(key, agent);
    }
    if (ts !== undefined) {
      agent.startedAt ??= ts;
      agent.endedAt = ts;
      agent.durationMs = Date.parse(ts) - Date.parse(agent.startedAt);
    }
    if (taskKey !== undefined && !agent.tasks.includes(taskKey)) agent.tasks.push(taskKey);
    return agent;
  }

  #endTask(task: TaskState, event: Extract<CrewEvent, { type: "task.end" }>): void {
    Object.assign(task, {
      status: "completed",
      endedAt: event.ts,
      durationMs: event.durationMs,
      output: event.output,
      usage: event.usage,
    });
    const owner = event.agent ?? task.agent ?? task.current;
    const shares = new Map([...task.deltas].filter(([key]) => key !== ""));
    if (shares.size === 0 && owner !== undefined) shares.set(owner, 1);
    for (const [key, share] of split(event.usage, shares)) {
      const agent = this.#agent(key);
      agent.final = addUsage(agent.final, share);
    }
    task.deltas.clear();
    if (this.#run.currentTask === task.key) delete this.#run.currentTask;
  }

  #endRun(event: Extract<CrewEvent, { type: "run.end" }>): void {
    Object.assign(this.#run, {
      status: event.status,
      endedAt: event.ts,
      durationMs: event.durationMs,
    });
    if (event.result !== undefined) this.#run.result = event.result;
    if (event.error !== undefined) this.#run.error = event.error;
    this.#endUsage = event.usage;
    this.#run.waitingFor = [];
    delete this.#run.currentTask;
    for (const task of this.#tasks.values()) {
      if (task.status === "running" || task.status === "waiting_input") {
        task.status = event.status;
        if (task.current !== undefined) this.#agent(task.current).endStatus = event.status;
      } else if (task.status === "pending" && event.status !== "completed") {
        task.status = "cancelled";
      }
    }
  }

  #taskView(task: TaskState): TaskProgress {
    const { deltas, current: _current, ...view } = task;
    const estimate = [...deltas.values()].reduce((a, b) => a + b, 0);
    if (estimate === 0) return view;
    return {
      ...view,
      usage: addUsage(view.usage, { inputTokens: 0, outputTokens: estimate }),
      estimated: true,
    };
  }

  #agentView(agent: AgentState): AgentProgress {
    const { final, endStatus, ...view } = agent;
    let estimate = 0;
    let status: ProgressStatus =
      endStatus ?? (agent.startedAt === undefined ? "pending" : "completed");
    for (const task of this.#tasks.values()) {
      estimate += task.deltas.get(agent.key) ?? 0;
      if (
        task.current === agent.key &&
        (task.status === "running" || task.status === "waiting_input")
      )
        status = task.status;
    }
    return {
      ...view,
      status,
      usage: addUsage(final, { inputTokens: 0, outputTokens: estimate }),
      estimated: estimate > 0,
    };
  }
}

/** The summary of a run's events so far. */
export function summarize(events: Iterable<CrewEvent>): RunSummary {
  return new SummaryBuilder().addAll(events).snapshot();
}

function pick(event: CrewEvent): { agent?: string; task?: string } {
  return {
    ...(event.agent === undefined ? {} : { agent: event.agent }),
    ...(event.task === undefined ? {} : { task: event.task }),
  };
}

/** Splits `usage` by weight; rounding leftovers go to the heaviest share. */
function split(usage: Usage, weights: Map<string, number>): Map<string, Usage> {
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const result = new Map<string, Usage>();
  if (total === 0) return result;
  let heaviest: string | undefined;
  let given: Usage = ZERO_USAGE;
  for (const [key, weight] of weights) {
    const share = {
      inputTokens: Math.floor((usage.inputTokens * weight) / total),
      outputTokens: Math.floor((usage.outputTokens * weight) / total),
    };
    result.set(key, share);
    given = addUsage(given, share);
    if (heaviest === undefined || weight > (weights.get(heaviest) ?? 0)) heaviest = key;
  }
  if (heaviest !== undefined) {
    const rest = {
      inputTokens: usage.inputTokens - given.inputTokens,
      outputTokens: usage.outputTokens - given.outputTokens,
    };
    result.set(heaviest, addUsage(result.get(heaviest) ?? ZERO_USAGE, rest));
  }
  return result;
}
