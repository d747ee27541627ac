/**
 * The schema of CrewAI's YAML files as crewstream reads them: `agents.yaml`, `tasks.yaml` and
 * crewstream's own `crew.yaml`. Keys are snake_case as in CrewAI; `load-crew.ts` maps them to
 * the camelCase {@link CrewDefinition}. Keys CrewAI knows but crewstream does not use are
 * accepted with a warning so that an existing CrewAI project loads unchanged.
 */
import { z } from "zod";
import { inputValueSchema, processSchema } from "../events/index.js";
import { NAMED_TOOLS } from "./tool-names.js";
import { containedPathProblem } from "./contained-path.js";
import { dateFormatProblem } from "../util/index.js";

/** Tools every crew can use without registering them: built-ins and CrewAI tool names. */
export const BUILTIN_TOOLS: readonly string[] = Object.keys(NAMED_TOOLS);

/** Names of MCP servers in crew.yaml `mcp_servers:`; `/` separates a server from its tool. */
const MCP_SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

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
export const agentYamlSchema = z
  .object({
    role: text,
    goal: text,
    backstory: text,
    llm: model.optional(),
    tools: names.optional(),
    mcps: names.optional(),
    allow_delegation: z.boolean().optional(),
    max_iter: positiveInt.optional(),
    max_rpm: positiveInt.optional(),
    max_execution_time: positiveInt.optional(),
    inject_date: z.boolean().optional(),
    /** Python `strftime` directives, as CrewAI takes them (default `%Y-%m-%d`); read with `inject_date`. */
    date_format: text.optional(),
    verbose: z.boolean().optional(),
  })
  .superRefine((agent, ctx) => {
    // Checked only where it is used, as CrewAI reads it only then.
    if (agent.inject_date !== true || agent.date_format === undefined) return;
    const problem = dateFormatProblem(agent.date_format);
    if (problem !== undefined)
      ctx.addIssue({ code: "custom", path: ["date_format"], message: problem });
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
  /** Written inside the run's output folder: relative, without `..`. */
  output_file: text
    .superRefine((path, ctx) => {
      const problem = containedPathProblem(path);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  async_execution: z.boolean().optional(),
  /** JSON Schema of the output, inline or as a path to a `.json` file inside the crew folder. */
  output_schema: z.union([text, z.record(z.string(), z.unknown())]).optional(),
  /** CrewAI's keys for structured output; crewstream reads a `.json` schema file they name. */
  output_json: text.optional(),
  output_pydantic: text.optional(),
  /** A sentence the output is checked against by the model (CrewAI's LLM guardrail). */
  guardrail: text.optional(),
  guardrail_max_retries: z.number().int("must be a whole number").nonnegative().optional(),
  markdown: z.boolean().optional(),
  create_directory: z.boolean().optional(),
});
/** A validated tasks.yaml entry. */
export type TaskYaml = z.infer<typeof taskYamlSchema>;

const stringMap = z.record(z.string(), z.string());

/**
 * One MCP server of crew.yaml: `command: [program, ...args]` (stdio, started without a shell)
 * with optional `env` and `cwd`, or `url` (Streamable HTTP) with optional `headers`. Values
 * of `env` and `headers` may use `${VAR}` to take a secret from the environment.
 */
const mcpServerYamlSchema = z
  .strictObject({
    command: z
      .array(z.string().min(1, "must not be empty"))
      .min(1, "must name a program to run")
      .optional(),
    env: stringMap.optional(),
    cwd: text.optional(),
    url: z.url("must be an http(s) URL").optional(),
    headers: stringMap.optional(),
  })
  .refine((server) => (server.command === undefined) !== (server.url === undefined), {
    message: 'needs either "command: [program, args...]" (stdio) or "url:" (Streamable HTTP)',
  })
  .refine(
    (server) =>
      server.command !== undefined || (server.env === undefined && server.cwd === undefined),
    {
      message: '"env" and "cwd" only apply to a server started with "command:"',
    },
  )
  .refine((server) => server.url !== undefined || server.headers === undefined, {
    message: '"headers" only apply to a server with "url:"',
  });
/** A validated MCP server entry. */
export type McpServerYaml = z.infer<typeof mcpServerYamlSchema>;

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
  extra_inputs: z.boolean().optional(),
  default: z.boolean().optional(),
  allow_private_urls: z.boolean().optional(),
  command: z
    .array(z.string().min(1, "must not be empty"))
    .min(1, "must name a program to run")
    .optional(),
  timeout_ms: positiveInt.optional(),
  /** Most model requests per minute for the whole crew (CrewAI's `Crew(max_rpm=...)`). */
  max_rpm: positiveInt.optional(),
  /** Variables a process crew's program gets on top of the server's allowlisted ones. */
  env: z.record(z.string(), z.string()).optional(),
  verbose: z.boolean().optional(),
  mcp_servers: z
    .record(
      z
        .string()
        .regex(
          MCP_SERVER_NAME_PATTERN,
          "must start with a letter or digit and use only letters, digits, '_' and '-'",
        ),
      mcpServerYamlSchema,
    )
    .optional(),
  /** Long-term memory: each task's outcome is saved, and later runs recall the relevant ones. */
  memory: z.boolean().optional(),
});
/** Validated crew.yaml settings. */
export type CrewYaml = z.infer<typeof crewYamlSchema>;

/** CrewAI agent keys that are accepted and ignored, each with the warning a user sees. */
export const IGNORED_AGENT_KEYS: Record<string, string> = {
  memory:
    "agent memory is not supported; memory: true in crew.yaml gives the crew long-term memory",
  cache: "tool result caching is not supported",
  allow_code_execution: "code execution is not supported",
  code_execution_mode: "code execution is not supported",
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
  use_system_prompt: "the agent always gets a system prompt",
};

/** CrewAI task keys that are accepted and ignored. */
export const IGNORED_TASK_KEYS: Record<string, string> = {
  name: "the task's key in tasks.yaml is its name",
  callback:
    "a Python callback cannot run here; pass callback in code or subscribe to task.end events",
  converter_cls: "the output schema is validated directly; no converter is needed",
};

/** CrewAI crew keys that are accepted and ignored in crew.yaml. */
export const IGNORED_CREW_KEYS: Record<string, string> = {
  cache: "tool result caching is not supported",
  planning: "planning is not supported",
  planning_llm: "planning is not supported",
  embedder: "embedders are not supported",
  full_output: "the run's events carry every task output",
  output_log_file: "the run's events are stored by the run store",
};

/** Notes for keys that are read but behave differently from CrewAI. */
export const TASK_KEY_NOTES: Record<string, string> = {};
