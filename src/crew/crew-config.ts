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
import { containedPathProblem } from "./contained-path.js";
import { dateFormatProblem } from "../util/index.js";
import type { CrewWarningInfo } from "../events/index.js";
import { outputShape } from "./output-shape.js";
import type {
  AgentDefinition,
  CrewDefinition,
  McpServerConfig,
  OutputSchema,
  TaskDefinition,
} from "./types.js";

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
  /** Whether runs may give inputs the crew does not use (else unknown_input). */
  extraInputs?: boolean;
  dir?: string;
  allowPrivateUrls?: boolean;
  /** Most model requests per minute for the whole crew. */
  maxRpm?: number;
  /** Long-term memory: tasks recall earlier runs' outcomes and save theirs (crew.yaml `memory`). */
  memory?: boolean;
  /** Tools agents may name, made with the AI SDK's `tool()`. */
  tools?: Record<string, Tool>;
  /** MCP servers agents may use (`mcps:` or `tools: ["<server>/<tool>"]`). */
  mcpServers?: Record<string, McpServerConfig>;
  /** CrewAI's `@before_kickoff`: changes `kickoff`'s inputs (see the engine's `KickoffHooks`). */
  beforeKickoff?: (inputs: Inputs) => unknown;
  /** CrewAI's `@after_kickoff`: changes `kickoff`'s result. */
  afterKickoff?: (result: never) => unknown;
  /** Model of agents without `llm` ("provider/model" or an instance); default: `resolveModel()`'s. */
  model?: LanguageModel;
  /** Keys of the crew's files accepted without effect; `run.start` carries them. */
  warnings?: CrewWarningInfo[];
}

/** CrewAI's default `guardrail_max_retries`. */
export const DEFAULT_GUARDRAIL_MAX_RETRIES = 3;

/** CrewAI's default `max_iter`. */
const DEFAULT_MAX_ITER = 20;
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

function positiveNumber(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    invalid(`${where} must be a positive number.`);
  return value;
}

function callbackOf(value: unknown, where: string): NonNullable<TaskDefinition["callback"]> {
  if (typeof value !== "function") invalid(`${where}: callback must be a function.`);
  return value as NonNullable<TaskDefinition["callback"]>;
}

function normalizeAgent(agent: AgentConfig & { key: string }): AgentDefinition {
  const where = `agent "${agent.key}"`;
  const maxRpm = positiveInt(agent.maxRpm, `${where}: maxRpm`);
  const maxExecutionTime = positiveNumber(agent.maxExecutionTime, `${where}: maxExecutionTime`);
  if (agent.injectDate !== undefined && typeof agent.injectDate !== "boolean")
    invalid(`${where}: injectDate must be true or false.`);
  if (agent.injectDate === true && agent.dateFormat !== undefined) {
    const problem =
      typeof agent.dateFormat === "string"
        ? dateFormatProblem(agent.dateFormat)
        : "it must be a string of strftime directives";
    if (problem !== undefined) invalid(`${where}: dateFormat: ${problem}.`);
  }
  return {
    key: agent.key,
    role: text(agent.role, `${where}: role`),
    goal: text(agent.goal, `${where}: goal`),
    backstory: text(agent.backstory, `${where}: backstory`),
    ...(agent.llm === undefined ? {} : { llm: agent.llm }),
    tools: names(agent.tools, `${where}: tools`),
    ...(agent.mcps === undefined ? {} : { mcps: names(agent.mcps, `${where}: mcps`) }),
    allowDelegation: agent.allowDelegation ?? false,
    maxIter: positiveInt(agent.maxIter, `${where}: maxIter`) ?? DEFAULT_MAX_ITER,
    ...(maxRpm === undefined ? {} : { maxRpm }),
    ...(maxExecutionTime === undefined ? {} : { maxExecutionTime }),
    ...(agent.injectDate === undefined ? {} : { injectDate: agent.injectDate }),
    ...(agent.dateFormat === undefined ? {} : { dateFormat: agent.dateFormat }),
  };
}

function outputSchemaOf(schema: unknown, where: string): OutputSchema {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    invalid(`${where} must be a JSON Schema object or a zod schema.`);
  try {
    outputShape(schema as OutputSchema);
  } catch (error) {
    invalid(
      `${where} is not a usable schema: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return schema as OutputSchema;
}

/** The output-related settings of a task: schema, guardrail, output file, markdown, callback. */
function outputSettings(task: TaskConfig, where: string): Partial<TaskDefinition> {
  const { guardrail, outputFile, callback } = task;
  if (guardrail !== undefined && typeof guardrail !== "function")
    text(guardrail, `${where}: guardrail`);
  if (outputFile !== undefined) {
    const problem = containedPathProblem(text(outputFile, `${where}: outputFile`));
    if (problem !== undefined) invalid(`${where}: outputFile ${problem}.`);
  }
  if (callback !== undefined && typeof callback !== "function")
    invalid(`${where}: callback must be a function.`);
  const retries = task.guardrailMaxRetries;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0))
    invalid(`${where}: guardrailMaxRetries must be a whole number of 0 or more.`);
  return {
    ...(task.outputSchema === undefined
      ? {}
      : { outputSchema: outputSchemaOf(task.outputSchema, `${where}: outputSchema`) }),
    ...(guardrail === undefined ? {} : { guardrail }),
    ...(retries === undefined ? {} : { guardrailMaxRetries: retries }),
    ...(outputFile === undefined ? {} : { outputFile }),
    ...(task.markdown === undefined ? {} : { markdown: task.markdown === true }),
    ...(callback === undefined ? {} : { callback }),
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
    ...(task.asyncExecution === true ? { asyncExecution: true } : {}),
    ...(task.callback === undefined ? {} : { callback: callbackOf(task.callback, where) }),
    ...outputSettings(task, where),
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
  const servers = Object.keys(config.mcpServers ?? {});
  for (const agent of agents) {
    for (const server of agent.mcps ?? []) {
      if (!servers.includes(server))
        invalid(
          `agent "${agent.key}": mcps names "${server}", which is not one of the crew's mcpServers (${servers.join(", ") || "none"}).`,
        );
    }
  }
  const agentKeys = new Set(agents.map((a) => a.key));
  const earlier = new Set<string>();
  const tasks = entries(config.tasks ?? invalid("A crew needs tasks."), "task").map((task) => {
    const normalized = normalizeTask(task, agentKeys, earlier, process);
    earlier.add(task.key);
    return normalized;
  });
  if (tasks.length === 0) invalid("A crew needs at least one task.");
  const last = tasks.at(-1);
  if (last?.asyncExecution === true)
    invalid(
      `task "${last.key}": the crew's last task cannot be async (as in CrewAI); its output is the crew's result.`,
    );
  const crewRpm = positiveInt(config.maxRpm, "crew maxRpm");
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
    ...(config.mcpServers === undefined ? {} : { mcpServers: config.mcpServers }),
    ...(config.extraInputs === undefined ? {} : { extraInputs: config.extraInputs }),
    ...(crewRpm === undefined ? {} : { maxRpm: crewRpm }),
    ...(config.warnings === undefined ? {} : { warnings: config.warnings }),
    ...(config.memory === undefined ? {} : { memory: config.memory === true }),
  };
}
