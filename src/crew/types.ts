/**
 * The shape of a crew, shared by the YAML loader (`load-crew.ts`), code-built crews and the
 * engine. Field names are camelCase versions of CrewAI's YAML keys.
 */
import type { LanguageModel, Tool } from "ai";

/** A model instance (what `resolveModel` answers), as opposed to a "provider/model" string. */
export type ModelInstance = Exclude<LanguageModel, string>;
import type { CrewEvent, CrewProcess, Inputs } from "../events/index.js";

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
  /** Names of tools: built-ins (`read_file`, `fetch_url`) or tools registered on the crew. */
  tools: string[];
  /** Whether the agent may hand work to other agents (hierarchical manager delegation). */
  allowDelegation: boolean;
  /** Most model turns for one task before the agent must answer (CrewAI default 20). */
  maxIter: number;
  /** Most model requests per minute for this agent. */
  maxRpm?: number;
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
}

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
  /** Folder the crew was loaded from; `read_file` is confined to it. */
  dir?: string;
  /** Lets `fetch_url` reach private and loopback addresses (crew.yaml `allow_private_urls`). */
  allowPrivateUrls?: boolean;
  /**
   * Long-term memory (crew.yaml `memory: true`): each task's outcome is saved and later runs
   * recall the most relevant ones into their prompts, when the run has a memory.
   */
  memory?: boolean;
}

/** What a task's outcome is saved as in long-term memory. */
export interface MemoryRecord {
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
