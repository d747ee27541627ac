/**
 * Turns a process crew's stderr into task and step events. A crew that writes only progress
 * lines does not announce its tasks: they are discovered as their first lines appear, and a
 * new task line ends the task before it. A crew using `crewstream_bridge` announces them with
 * `task.start` / `task.end` lines naming the task (`taskName`) and its agent's role
 * (`agentRole`), which are matched to the crew's declared keys here.
 */
import { ZERO_USAGE, addUsage, parseEvent, usageSchema } from "../events/index.js";
import type { EventDraft, Inputs, Usage } from "../events/index.js";
import { fillKnownPlaceholders } from "../crew/index.js";
import { firstNonEmptyLine } from "../util/index.js";
import { normalize, slugKey } from "./names.js";
import type { ProgressLine } from "./stderr-line.js";

/** An agent the crew declares (agents.yaml): its key and role. */
export interface KnownAgent {
  key: string;
  role: string;
}

/** A task the crew declares (tasks.yaml): its key, description and agent. */
export interface KnownTask {
  key: string;
  description?: string;
  agent?: string;
}

interface CurrentTask {
  key: string;
  line: string;
  agent: string | undefined;
  startedAt: number;
  steps: number;
  deltas: string;
  lastStepText: string;
  /** Usage the process reported on its steps (`agent.step`'s `usage`), if any. */
  reported: Usage | undefined;
  /** Text chunks streamed since the last step with usage: estimated output tokens. */
  chunks: number;
}

/** Follows one run's progress; answers the drafts to stamp, in order. */
export class TaskTracker {
  readonly #agents: KnownAgent[];
  readonly #tasks: readonly KnownTask[];
  readonly #inputs: Inputs;
  readonly #usedTasks = new Set<string>();
  readonly #taskKeys = new Set<string>();
  #current: CurrentTask | undefined;
  #nextIndex = 0;
  #lastOutput: string | undefined;
  /** Tokens of the finished tasks. */
  #finished: { usage: Usage; estimated: boolean } = { usage: ZERO_USAGE, estimated: false };

  constructor(
    agents: readonly KnownAgent[],
    tasks: readonly KnownTask[],
    inputs: Inputs,
    private readonly now: () => number = Date.now,
  ) {
    this.#agents = [...agents];
    this.#tasks = tasks;
    this.#inputs = inputs;
    for (const task of tasks) this.#taskKeys.add(task.key);
  }

  /**
   * Tokens of the run so far: what the process reported on its steps, and its streamed text
   * chunks as estimated output tokens where it reported nothing (`estimated` then).
   */
  get usage(): { usage: Usage; estimated: boolean } {
    const current = this.#current;
    return current === undefined ? this.#finished : sumTokens(this.#finished, tokensOf(current));
  }

  /** The task in progress, if any. */
  get currentTask(): string | undefined {
    return this.#current?.key;
  }

  /** The output of the last task that ended, if any. */
  get lastOutput(): string | undefined {
    return this.#lastOutput;
  }

  /** A progress line: maybe ends the task before and starts a new one, then one `agent.step`. */
  progress(line: ProgressLine): EventDraft[] {
    const drafts: EventDraft[] = [];
    if (this.#current === undefined || this.#current.line !== normalize(line.task)) {
      drafts.push(...this.finish());
      drafts.push(this.#start(line.task, line.agent));
    }
    const current = this.#current as CurrentTask;
    const agent = this.#agentKey(line.agent) ?? current.agent;
    current.steps += 1;
    const text = line.text ?? line.task;
    current.lastStepText = text;
    const step = {
      type: "agent.step" as const,
      task: current.key,
      step: current.steps,
      kind: line.stepKind,
      text,
    };
    drafts.push(agent === undefined ? step : { ...step, agent });
    return drafts;
  }

  /**
   * An event the process wrote itself, as the drafts to stamp. `task.start` ends the task in
   * progress and starts the one it names; `task.end` ends the task in progress with the
   * output and usage it carries. Other events get `agent`, `task` and (for `agent.step`)
   * `step` filled in from the task in progress, and `agentRole` resolved to an agent's key.
   * Answers undefined when the fields do not make a valid event.
   */
  passthrough(fields: Record<string, unknown> & { type: string }): EventDraft[] | undefined {
    const { agentRole, taskName, ...rest } = fields;
    if (rest.type === "task.start") {
      const description = typeof rest.description === "string" ? rest.description : "";
      const name = typeof taskName === "string" ? taskName : undefined;
      const role = typeof agentRole === "string" ? agentRole : "";
      return this.#startFromEvent(description, role, name);
    }
    if (rest.type === "task.end") {
      const usage = usageSchema.safeParse(rest.usage);
      return this.finish(
        typeof rest.output === "string" ? rest.output : undefined,
        usage.success ? usage.data : undefined,
      );
    }
    const current = this.#current;
    const draft: Record<string, unknown> = { ...rest };
    // The role names the agent doing the work; in a hierarchical crew it is not the task's.
    if (draft.agent === undefined && typeof agentRole === "string") {
      const agent = this.#agentKey(agentRole);
      if (agent !== undefined) draft.agent = agent;
    }
    if (draft.task === undefined && current !== undefined) draft.task = current.key;
    if (draft.agent === undefined && current?.agent !== undefined) draft.agent = current.agent;
    if (draft.type === "agent.step" && current !== undefined) {
      current.steps =
        typeof draft.step === "number" ? Math.max(current.steps, draft.step) : current.steps + 1;
      draft.step ??= current.steps;
    }
    const checked = parseEvent({
      ...draft,
      v: 1,
      runId: "check",
      seq: 1,
      ts: new Date(0).toISOString(),
    });
    if (!checked.ok || checked.event === null) return undefined;
    if (current !== undefined && draft.task === current.key) {
      if (checked.event.type === "text.delta") {
        current.deltas += checked.event.delta;
        current.chunks += 1;
      }
      if (checked.event.type === "agent.step") {
        current.lastStepText = checked.event.text;
        if (checked.event.usage !== undefined) {
          current.reported = addUsage(current.reported ?? ZERO_USAGE, checked.event.usage);
          current.chunks = 0;
        }
      }
    }
    // The parsed event: fields the protocol does not know are dropped.
    const { v: _v, runId: _runId, seq: _seq, ts: _ts, ...event } = checked.event;
    return [event];
  }

  /**
   * Ends the task in progress, if any: its output is `output` when given, else the text it
   * streamed, else its last step's text; its usage is `usage` when the crew reported it.
   */
  finish(output?: string, usage?: Usage): EventDraft[] {
    const current = this.#current;
    if (current === undefined) return [];
    this.#current = undefined;
    const text = output ?? (current.deltas !== "" ? current.deltas : current.lastStepText);
    this.#lastOutput = text;
    // Usage the crew reported on its own task.end wins over what its steps and text add up to.
    const tokens = usage === undefined ? tokensOf(current) : { usage, estimated: false };
    this.#finished = sumTokens(this.#finished, tokens);
    const draft = {
      type: "task.end",
      task: current.key,
      output: text,
      usage: tokens.usage,
      ...(tokens.estimated ? { estimated: true } : {}),
      durationMs: Math.max(0, this.now() - current.startedAt),
    };
    return [
      (current.agent === undefined ? draft : { ...draft, agent: current.agent }) as EventDraft,
    ];
  }

  /** A `task.start` the crew wrote: ends the task before, matches the task by name, then by text. */
  #startFromEvent(description: string, role: string, name: string | undefined): EventDraft[] {
    const drafts = this.finish();
    const line = firstNonEmptyLine(description) || (name ?? "");
    const known =
      name === undefined
        ? undefined
        : this.#tasks.find((task) => task.key === name && !this.#usedTasks.has(task.key));
    drafts.push(this.#start(line, role, known ?? this.#matchTask(line), name, description));
    return drafts;
  }

  #start(
    taskLine: string,
    role: string,
    known: KnownTask | undefined = this.#matchTask(taskLine),
    name?: string,
    description?: string,
  ): EventDraft {
    const key = known?.key ?? slugKey(name ?? taskLine, "task", this.#taskKeys);
    this.#taskKeys.add(key);
    this.#usedTasks.add(key);
    const agent = this.#agentKey(role) ?? known?.agent;
    const index = this.#nextIndex++;
    this.#current = {
      key,
      line: normalize(taskLine),
      agent,
      startedAt: this.now(),
      steps: 0,
      deltas: "",
      lastStepText: "",
      reported: undefined,
      chunks: 0,
    };
    const shown =
      known?.description === undefined
        ? (description ?? taskLine).trim()
        : fillKnownPlaceholders(known.description, this.#inputs).trim();
    const total = Math.max(this.#tasks.length, index + 1);
    const draft = { type: "task.start", task: key, index, total, description: shown };
    return (agent === undefined ? draft : { ...draft, agent }) as EventDraft;
  }

  /**
   * The declared task a line belongs to: same first line, else one line starting with the
   * other (CrewAI may cut long lines), else the next unused task in order (the line was
   * printed differently, e.g. from a template the crew changed at runtime).
   */
  #matchTask(line: string): KnownTask | undefined {
    const unused = this.#tasks.filter((task) => !this.#usedTasks.has(task.key));
    const wanted = normalize(line);
    const firstOf = (task: KnownTask): string =>
      normalize(firstNonEmptyLine(fillKnownPlaceholders(task.description ?? "", this.#inputs)));
    return (
      unused.find((task) => firstOf(task) === wanted) ??
      unused.find((task) => {
        const first = firstOf(task);
        return (
          first !== "" && wanted !== "" && (first.startsWith(wanted) || wanted.startsWith(first))
        );
      }) ??
      unused[0]
    );
  }

  /** The key of the agent with this role; an unknown role becomes a new agent keyed by its slug. */
  #agentKey(role: string): string | undefined {
    const wanted = normalize(role);
    if (wanted === "") return undefined;
    const known = this.#agents.find(
      (agent) => normalize(fillKnownPlaceholders(agent.role, this.#inputs)) === wanted,
    );
    if (known !== undefined) return known.key;
    const key = slugKey(role, "agent", new Set(this.#agents.map((agent) => agent.key)));
    this.#agents.push({ key, role: role.trim() });
    return key;
  }
}

/** A task's tokens: reported usage plus streamed chunks not covered by it (an estimate). */
function tokensOf(task: CurrentTask): { usage: Usage; estimated: boolean } {
  return {
    usage: addUsage(task.reported ?? ZERO_USAGE, { inputTokens: 0, outputTokens: task.chunks }),
    estimated: task.reported === undefined || task.chunks > 0,
  };
}

function sumTokens(
  a: { usage: Usage; estimated: boolean },
  b: { usage: Usage; estimated: boolean },
): { usage: Usage; estimated: boolean } {
  return { usage: addUsage(a.usage, b.usage), estimated: a.estimated || b.estimated };
}
