/**
 * The schema of CrewAI's YAML files as crewstream reads them: `agents.yaml`, `tasks.yaml` and
 * crewstream's own `crew.yaml`. Keys are snake_case as in CrewAI; `load-crew.ts` maps them to
 * the camelCase {@link CrewDefinition}. Keys CrewAI knows but crewstream does not use are
 * accepted with a warning so that an existing CrewAI project loads unchanged.
 */
import { z } from "zod";
import { inputValueSchema, processSchema } from "../events/index.js";

/** Tools every crew can use without registering them. */
export const BUILTIN_TOOLS: readonly string[] = ["read_file", "fetch_url"];

/** Defaults applied when a YAML entry leaves a field out (CrewAI's defaults). */
export const CREW_DEFAULTS = { maxIter: 20, allowDelegation: false, humanInput: false } as const;

/** Names of crews, agents and tasks: what a folder, a YAML key and an event field can carry. */
export const CREW_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Agent and task keys: CrewAI's keys are Python identifiers; `-` is tolerated. `__proto__`
 * is excluded because keys end up as property names of plain objects downstream.
 */
export const ENTRY_KEY_PATTERN = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_-]*$/;

const text = z.string().trim().min(1, "must not be empty");
const model = z.string().trim().min(1, "must not be empty");
const names = z.array(z.string().trim().min(1, "must not be empty"));
const positiveInt = z.number().int("must be a whole number").positive("must be greater than 0");

/** One entry of agents.yaml. */
export const agentYamlSchema = z.object({
  role: text,
  goal: text,
  backstory: text,
  llm: model.optional(),
  tools: names.optional(),
  allow_delegation: z.boolean().optional(),
  max_iter: positiveInt.optional(),
  max_rpm: positiveInt.optional(),
  verbose: z.boolean().optional(),
});
/** A validated agents.yaml entry. */
export type AgentYaml = z.infer<typeof agentYamlSchema>;

/** One entry of tasks.yaml. */
export const taskYamlSchema = z.object({
  description: text,
  expected_output: text,
  agent: z.string().trim().min(1, "must not be empty").optional(),
  context: names.optional(),
  human_input: z.boolean().optional(),
  tools: names.optional(),
  output_file: text.optional(),
  async_execution: z.boolean().optional(),
});
/** A validated tasks.yaml entry. */
export type TaskYaml = z.infer<typeof taskYamlSchema>;

/** crew.yaml: crewstream's file for what CrewAI sets in Python (`Crew(process=...)`). */
export const crewYamlSchema = z.object({
  name: z
    .string()
    .regex(
      CREW_NAME_PATTERN,
      "must start with a letter or digit and use only letters, digits, '.', '_' and '-'",
    )
    .optional(),
  process: processSchema.optional(),
  manager_llm: model.optional(),
  inputs: z.record(z.string(), inputValueSchema).optional(),
  allow_private_urls: z.boolean().optional(),
  command: z
    .array(z.string().min(1, "must not be empty"))
    .min(1, "must name a program to run")
    .optional(),
  timeout_ms: positiveInt.optional(),
  /** Variables a process crew's program gets on top of the server's allowlisted ones. */
  env: z.record(z.string(), z.string()).optional(),
  verbose: z.boolean().optional(),
  /** Long-term memory: each task's outcome is saved, and later runs recall the relevant ones. */
  memory: z.boolean().optional(),
});
/** Validated crew.yaml settings. */
export type CrewYaml = z.infer<typeof crewYamlSchema>;

/** CrewAI agent keys that are accepted and ignored, each with the warning a user sees. */
export const IGNORED_AGENT_KEYS: Record<string, string> = {
  memory: "agent memory is not supported; each task gets the outputs of its context",
  cache: "tool result caching is not supported",
  allow_code_execution: "code execution is not supported",
  code_execution_mode: "code execution is not supported",
  max_execution_time: "use the run's AbortSignal or the server's limits instead",
  max_retry_limit: "provider retries are handled by the model layer",
  respect_context_window: "context windows are not managed",
  function_calling_llm: "the agent's llm makes tool calls",
  system_template: "prompt templates are not supported",
  prompt_template: "prompt templates are not supported",
  response_template: "prompt templates are not supported",
  step_callback: "subscribe to agent.step events instead",
  embedder: "embedders are not supported",
  knowledge_sources: "knowledge sources are not supported",
  multimodal: "multimodal agents are not supported",
  reasoning: "planning before tasks is not supported",
  max_reasoning_attempts: "planning before tasks is not supported",
  inject_date: "dates are not injected into prompts",
  date_format: "dates are not injected into prompts",
  use_system_prompt: "the agent always gets a system prompt",
};

/** CrewAI task keys that are accepted and ignored. */
export const IGNORED_TASK_KEYS: Record<string, string> = {
  name: "the task's key in tasks.yaml is its name",
  output_json: "structured outputs are not supported; the output is text",
  output_pydantic: "structured outputs are not supported; the output is text",
  callback: "subscribe to task.end events instead",
  guardrail: "guardrails are not supported",
  markdown: "outputs are plain text, usually markdown already",
  create_directory: "output files are not written",
  converter_cls: "structured outputs are not supported",
};

/** CrewAI crew keys that are accepted and ignored in crew.yaml. */
export const IGNORED_CREW_KEYS: Record<string, string> = {
  cache: "tool result caching is not supported",
  max_rpm: "set max_rpm on each agent",
  planning: "planning is not supported",
  planning_llm: "planning is not supported",
  embedder: "embedders are not supported",
  full_output: "the run's events carry every task output",
  output_log_file: "the run's events are stored by the run store",
};

/** Notes for keys that are read but behave differently from CrewAI. */
export const TASK_KEY_NOTES: Record<string, string> = {
  output_file: "output_file is not written; the task's output is in its task.end event",
  async_execution: "async_execution is accepted, but tasks run one after another",
};
