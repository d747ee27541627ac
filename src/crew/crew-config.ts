/**
 * The code form of a crew: `new Crew({ agents, tasks })` with CrewAI's defaults filled in.
 * Agents and tasks may be given as arrays (each with a `key`) or as objects keyed by key.
 */
import type { LanguageModel, Tool } from "ai";
import {
  CrewError,
  ErrorCode,
  inputsSchema,
  type CrewProcess,
  type Inputs,
} from "../events/index.js";
import type { AgentDefinition, CrewDefinition, TaskDefinition } from "./types.js";

/** An agent in code form: only role, goal and backstory are required. */
export type AgentConfig = Omit<AgentDefinition, "key" | "tools" | "allowDelegation" | "maxIter"> &
  Partial<Pick<AgentDefinition, "key" | "tools" | "allowDelegation" | "maxIter">>;

/** A task in code form: only description and expected output are required. */
export type TaskConfig = Omit<TaskDefinition, "key" | "context" | "humanInput"> &
  Partial<Pick<TaskDefinition, "key" | "context" | "humanInput">>;

/** A crew in code form, or a full {@link CrewDefinition}, plus the crew's tools and model. */
export interface CrewConfig {
  /** Default "crew". */
  name?: string;
  /** Default "sequential". */
  process?: CrewProcess;
  managerLlm?: LanguageModel;
  agents: AgentConfig[] | Record<string, AgentConfig>;
  tasks: TaskConfig[] | Record<string, TaskConfig>;
  defaultInputs?: Inputs;
  dir?: string;
  allowPrivateUrls?: boolean;
  /** Long-term memory: tasks recall earlier runs' outcomes and save theirs (crew.yaml `memory`). */
  memory?: boolean;
  /** Tools agents may name, made with the AI SDK's `tool()`. */
  tools?: Record<string, Tool>;
  /** Model of agents without `llm` ("provider/model" or an instance); default: `resolveModel()`'s. */
  model?: LanguageModel;
}

/** CrewAI's default `max_iter`. */
export const DEFAULT_MAX_ITER = 20;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function invalid(message: string): never {
  throw new CrewError(ErrorCode.INVALID_CREW, message);
}

function entries<T extends { key?: string }>(
  items: T[] | Record<string, T>,
  kind: string,
): Array<T & { key: string }> {
  const list = Array.isArray(items)
    ? items
    : Object.entries(items).map(([key, item]) => ({ ...item, key: item.key ?? key }));
  const seen = new Set<string>();
  return list.map((item, index) => {
    const key = item.key;
    if (typeof key !== "string" || !KEY.test(key))
      invalid(
        `${kind} #${index + 1} needs a key of letters, digits, "_" or "-" (got ${JSON.stringify(key)}).`,
      );
    if (seen.has(key)) invalid(`${kind} "${key}" is defined twice.`);
    seen.add(key);
    return { ...item, key };
  });
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value.trim() === "")
    invalid(`${where} must be a non-empty string.`);
  return value;
}

function names(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
    invalid(`${where} must be a list of names.`);
  return value;
}

function positiveInt(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    invalid(`${where} must be a positive integer.`);
  return value;
}

function normalizeAgent(agent: AgentConfig & { key: string }): AgentDefinition {
  const where = `agent "${agent.key}"`;
  const maxRpm = positiveInt(agent.maxRpm, `${where}: maxRpm`);
  return {
    key: agent.key,
    role: text(agent.role, `${where}: role`),
    goal: text(agent.goal, `${where}: goal`),
    backstory: text(agent.backstory, `${where}: backstory`),
    ...(agent.llm === undefined ? {} : { llm: agent.llm }),
    tools: names(agent.tools, `${where}: tools`),
    allowDelegation: agent.allowDelegation ?? false,
    maxIter: positiveInt(agent.maxIter, `${where}: maxIter`) ?? DEFAULT_MAX_ITER,
    ...(maxRpm === undefined ? {} : { maxRpm }),
  };
}

function normalizeTask(
  task: TaskConfig & { key: string },
  agents: Set<string>,
  earlier: Set<string>,
  process: CrewProcess,
): TaskDefinition {
  const where = `task "${task.key}"`;
  if (task.agent !== undefined && !agents.has(task.agent))
    invalid(
      `${where}: agent "${task.agent}" is not one of the crew's agents (${[...agents].join(", ")}).`,
    );
  if (task.agent === undefined && process === "sequential")
    invalid(`${where} needs an agent in a sequential crew.`);
  const context = names(task.context, `${where}: context`);
  for (const key of context) {
    if (!earlier.has(key)) invalid(`${where}: context "${key}" must name an earlier task.`);
  }
  return {
    key: task.key,
    description: text(task.description, `${where}: description`),
    expectedOutput: text(task.expectedOutput, `${where}: expectedOutput`),
    ...(task.agent === undefined ? {} : { agent: task.agent }),
    context,
    humanInput: task.humanInput ?? false,
    ...(task.tools === undefined ? {} : { tools: names(task.tools, `${where}: tools`) }),
  };
}

/** Fills defaults and validates; throws CrewError invalid_crew naming the agent or task key. */
export function normalizeCrew(config: CrewConfig): CrewDefinition {
  if (typeof config !== "object" || config === null) invalid("A crew needs agents and tasks.");
  const process = config.process ?? "sequential";
  if (process !== "sequential" && process !== "hierarchical")
    invalid(`process must be "sequential" or "hierarchical", not "${String(process)}".`);
  const agents = entries(config.agents ?? invalid("A crew needs agents."), "agent").map(
    normalizeAgent,
  );
  if (agents.length === 0) invalid("A crew needs at least one agent.");
  if (process === "hierarchical" && agents.some((a) => a.key === "manager")) {
    invalid(
      'agent "manager": the key "manager" is reserved for the hierarchical manager; rename the agent.',
    );
  }
  const agentKeys = new Set(agents.map((a) => a.key));
  const earlier = new Set<string>();
  const tasks = entries(config.tasks ?? invalid("A crew needs tasks."), "task").map((task) => {
    const normalized = normalizeTask(task, agentKeys, earlier, process);
    earlier.add(task.key);
    return normalized;
  });
  if (tasks.length === 0) invalid("A crew needs at least one task.");
  const defaults = inputsSchema.safeParse(config.defaultInputs ?? {});
  if (!defaults.success)
    invalid("defaultInputs must be a flat object of strings, numbers and booleans.");
  return {
    name: config.name ?? "crew",
    process,
    ...(config.managerLlm === undefined ? {} : { managerLlm: config.managerLlm }),
    agents,
    tasks,
    defaultInputs: defaults.data,
    ...(config.dir === undefined ? {} : { dir: config.dir }),
    ...(config.allowPrivateUrls === undefined ? {} : { allowPrivateUrls: config.allowPrivateUrls }),
    ...(config.memory === undefined ? {} : { memory: config.memory === true }),
  };
}
