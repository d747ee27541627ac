/**
 * The shape of a crew, shared by the YAML loader (`load-crew.ts`), code-built crews and the
 * engine. Field names are camelCase versions of CrewAI's YAML keys.
 */
import type { LanguageModel, Tool } from "ai";

/** A model instance (what `resolveModel` answers), as opposed to a "provider/model" string. */
type ModelInstance = Exclude<LanguageModel, string>;
import type { z } from "zod";
import type { CrewEvent, CrewProcess, CrewWarningInfo, Inputs } from "../events/index.js";

/** The shape of a task's output: a JSON Schema object, or a zod schema in code. */
export type OutputSchema = z.ZodType | Record<string, unknown>;

/** What a finished task produced, as its guardrail and its callback see it. */
export interface TaskOutput {
  /** The task's key. */
  task: string;
  /** The agent the task's events are stamped with. */
  agent: string;
  /** The task's description, its placeholders filled. */
  description?: string;
  /** The output as text (the JSON text when the task has an output schema). */
  output: string;
  /** The parsed, validated value, when the task has an output schema. */
  object?: unknown;
  /** Where the output was written, relative to the run's output folder (`outputFile`). */
  file?: string;
}

/** A guardrail's verdict on a task's output; `feedback` tells the agent what to fix. */
export interface GuardrailVerdict {
  ok: boolean;
  feedback?: string;
}

/** A guardrail in code: checks an output, synchronously or not. */
export type GuardrailFunction = (
  output: TaskOutput,
) => GuardrailVerdict | Promise<GuardrailVerdict>;

/** An agent: who works on tasks (CrewAI's agents.yaml entry). */
export interface AgentDefinition {
  /** The agent's key in agents.yaml; events name agents by it. */
  key: string;
  /** Role, e.g. "Senior Research Analyst". May contain `{placeholders}`. */
  role: string;
  /** What the agent tries to achieve. May contain `{placeholders}`. */
  goal: string;
  /** Who the agent is. May contain `{placeholders}`. */
  backstory: string;
  /** "provider/model" string or a model instance; defaults to the crew's model. */
  llm?: string | ModelInstance;
  /**
   * Names of tools: built-ins (`read_file`, `fetch_url`), CrewAI tool names (`SerperDevTool`,
   * `FileReadTool`...), tools registered on the crew or exported by its tools module, or one
   * tool of an MCP server as `<server>/<tool>`.
   */
  tools: string[];
  /** MCP servers (keys of the crew's `mcpServers`) whose every tool the agent may use. */
  mcps?: string[];
  /** Whether the agent may hand work to other agents (hierarchical manager delegation). */
  allowDelegation: boolean;
  /** Most model turns for one task before the agent must answer (CrewAI default 20). */
  maxIter: number;
  /** Most model requests per minute for this agent. */
  maxRpm?: number;
  /** Longest time, in seconds, the agent may work on one task (CrewAI's `max_execution_time`). */
  maxExecutionTime?: number;
  /** Whether each task the agent does is told the current date (CrewAI's `inject_date`). */
  injectDate?: boolean;
  /** How that date is written, in Python `strftime` directives (default `%Y-%m-%d`). */
  dateFormat?: string;
}

/** A task: a unit of work (CrewAI's tasks.yaml entry). */
export interface TaskDefinition {
  /** The task's key in tasks.yaml; events name tasks by it. */
  key: string;
  /** What to do. May contain `{placeholders}`. */
  description: string;
  /** What the result should look like. May contain `{placeholders}`. */
  expectedOutput: string;
  /** Key of the agent that does the task; optional in hierarchical crews. */
  agent?: string;
  /** Keys of earlier tasks whose outputs are given to this one. */
  context: string[];
  /** Ask a human to review the output before the task ends. */
  humanInput: boolean;
  /** Extra tools for this task only. */
  tools?: string[];
  /**
   * The shape of the answer (`output_schema`, `output_json`, `output_pydantic`): the agent's
   * answer is streamed as partial objects, validated, and retried with the errors when invalid.
   */
  outputSchema?: OutputSchema;
  /**
   * Checks the output before the task ends: a sentence the model checks it against (CrewAI's
   * LLM guardrail), or a function. A failed check re-runs the task with the feedback.
   */
  guardrail?: string | GuardrailFunction;
  /** Retries after a failed check (guardrail or schema) before the task fails; default 3. */
  guardrailMaxRetries?: number;
  /** Path the output is written to, inside the run's output folder. */
  outputFile?: string;
  /** Ask for the answer formatted as markdown (CrewAI's `markdown: true`). */
  markdown?: boolean;
  /** Called with the task's output (and parsed object) when the task ends. */
  callback?: (output: TaskOutput) => void | Promise<void>;
  /**
   * Start together with the neighbouring async tasks; the next synchronous task waits for them
   * and gets their outputs (CrewAI's `async_execution`). The last task may not be async.
   */
  asyncExecution?: boolean;
}

/** What a task's `callback` gets. */
/**
 * An MCP server a crew's agents may use (crew.yaml `mcp_servers:`): a program started without
 * a shell and spoken to over stdio, or a remote server over Streamable HTTP.
 */
export type McpServerConfig =
  | {
      /** Program and arguments, e.g. `["npx", "-y", "@modelcontextprotocol/server-filesystem", "."]`. */
      command: string[];
      /** Extra environment variables for the program (besides a safe default set: PATH, HOME...). */
      env?: Record<string, string>;
      /** Working directory; default the crew's folder. */
      cwd?: string;
    }
  | {
      /** The server's Streamable HTTP endpoint. */
      url: string;
      /** Headers sent with every request, e.g. `Authorization`. */
      headers?: Record<string, string>;
    };

/** A whole crew definition, from YAML or code. */
export interface CrewDefinition {
  /** The crew's name (its folder name for YAML crews). */
  name: string;
  process: CrewProcess;
  /** Model of the hierarchical manager; defaults to the crew's model. */
  managerLlm?: string | ModelInstance;
  agents: AgentDefinition[];
  tasks: TaskDefinition[];
  /** Inputs used when a run does not give them (crew.yaml `inputs:`). */
  defaultInputs: Inputs;
  /**
   * Whether a run may give inputs the crew does not use (crew.yaml `extra_inputs: true`);
   * otherwise such an input is refused with unknown_input, as a likely misspelling.
   */
  extraInputs?: boolean;
  /** Folder the crew was loaded from; `read_file` is confined to it. */
  dir?: string;
  /** Lets `fetch_url` reach private and loopback addresses (crew.yaml `allow_private_urls`). */
  allowPrivateUrls?: boolean;
  /** MCP servers by name (crew.yaml `mcp_servers:`); started when a run starts, stopped when it ends. */
  mcpServers?: Record<string, McpServerConfig>;
  /** Most model requests per minute for the whole crew (crew.yaml `max_rpm`). */
  maxRpm?: number;
  /** Keys of the crew's files accepted without effect or unknown; `run.start` carries them. */
  warnings?: CrewWarningInfo[];
  /**
   * Long-term memory (crew.yaml `memory: true`): each task's outcome is saved and later runs
   * recall the most relevant ones into their prompts, when the run has a memory.
   */
  memory?: boolean;
}

/** What a task's outcome is saved as in long-term memory. */
interface MemoryRecord {
  task: string;
  agent: string;
  /** A short summary of the outcome. */
  summary: string;
  /** The run's inputs. */
  inputs: Inputs;
}

/**
 * A crew's long-term memory, as a run sees it (bound to the crew by whoever runs it). The
 * search behind `recall` is the store's business (SQLite full-text search by default).
 */
export interface LongTermMemory {
  /** The entries most relevant to `query`, most relevant first, at most `limit`. */
  recall(query: string, limit: number): Promise<Array<{ id: string; text: string }>>;
  /** Saves a task's outcome; answers the saved entry. */
  save(record: MemoryRecord): Promise<{ id: string; text: string }>;
}

/** A request for human input while a run waits. */
export interface InputRequest {
  requestId: string;
  prompt: string;
  agent?: string;
  task: string;
}

/** Answers human input requests. Rejects (or the signal aborts) to cancel. */
export type InputHandler = (request: InputRequest, signal: AbortSignal) => Promise<string>;

/** Options of one run of a crew. */
export interface RunOptions {
  /** Aborting cancels the run: model requests end and `run.end` is `cancelled`. */
  signal?: AbortSignal;
  /** Id of the run; generated when absent. */
  runId?: string;
  /** Overrides every agent's model ("provider/model" or an instance): `--model`. */
  model?: string | ModelInstance;
  /** Answers `human_input` tasks. Without one, such tasks fail with a clear error. */
  onInputRequest?: InputHandler;
  /** Tools registered for this run in addition to the crew's. */
  tools?: Record<string, Tool>;
  /**
   * Folder the run's files are written to (`outputFile`, `FileWriterTool`). Default: this run's
   * folder under the output root (`CREWSTREAM_OUTPUT_DIR`, else `runs/` next to the database).
   */
  outputDir?: string;
  /** Longest the whole run may take, in ms: past it the run fails with code `timeout`. */
  timeoutMs?: number;
  /** The batch the run belongs to, shown on `run.start`. */
  batchId?: string;
  /** The thread (conversation) the run is a turn of, shown in `run.start`. */
  threadId?: string;
  /**
   * The conversation so far (earlier user messages and final answers), given to every task as
   * context so a follow-up can refer to earlier turns.
   */
  conversation?: string;
  /** The crew's long-term memory; used when the crew has `memory: true`. */
  memory?: LongTermMemory;
}

/** Listener object: each method is optional and called for its event type. */
export interface CrewListener {
  onEvent?(event: CrewEvent): void | Promise<void>;
  onRunStart?(event: Extract<CrewEvent, { type: "run.start" }>): void | Promise<void>;
  onTaskStart?(event: Extract<CrewEvent, { type: "task.start" }>): void | Promise<void>;
  onStep?(event: Extract<CrewEvent, { type: "agent.step" }>): void | Promise<void>;
  onTextDelta?(event: Extract<CrewEvent, { type: "text.delta" }>): void | Promise<void>;
  onToolCall?(event: Extract<CrewEvent, { type: "tool.call" }>): void | Promise<void>;
  onToolResult?(event: Extract<CrewEvent, { type: "tool.result" }>): void | Promise<void>;
  onDelegate?(event: Extract<CrewEvent, { type: "task.delegate" }>): void | Promise<void>;
  onInputRequest?(event: Extract<CrewEvent, { type: "input.request" }>): void | Promise<void>;
  onRetry?(event: Extract<CrewEvent, { type: "llm.retry" }>): void | Promise<void>;
  onTaskEnd?(event: Extract<CrewEvent, { type: "task.end" }>): void | Promise<void>;
  onRunEnd?(event: Extract<CrewEvent, { type: "run.end" }>): void | Promise<void>;
}
