/**
 * An agent working on one piece of work: its system prompt, its tools, `max_iter`, and a final
 * answer even when it used every iteration on tools.
 */
import type { ModelMessage, ToolSet } from "ai";
import { CrewError, ErrorCode } from "../events/index.js";
import { streamTurn, type TurnOutput } from "./agent-turn.js";
import { agentSystemPrompt, FINAL_ANSWER_NUDGE } from "./prompts.js";
import type { RunContext, StepCounter, TurnScope, UsageMeter } from "./run-context.js";
import type { AgentDefinition } from "../crew/index.js";

/** One piece of work for an agent. */
export interface AgentWork {
  agent: AgentDefinition;
  scope: TurnScope;
  /** The conversation so far: the task prompt, and any earlier answer and feedback. */
  messages: ModelMessage[];
  tools: ToolSet;
  steps: StepCounter;
  usage: UsageMeter;
  /** The answer's shape, when the task has an output schema. */
  output?: TurnOutput;
}

/** The agent's answer and the conversation that led to it. */
export interface AgentAnswer {
  output: string;
  messages: ModelMessage[];
}

/**
 * Lets the agent work until it answers. If it is still calling tools after `maxIter` model
 * steps, it is asked once more, without tools, for its final answer (as CrewAI forces one).
 * Throws CrewError timeout (naming max_iter) when no answer comes.
 */
export async function runAgent(ctx: RunContext, work: AgentWork): Promise<AgentAnswer> {
  const system = agentSystemPrompt(work.agent);
  const base = {
    agent: work.agent,
    scope: work.scope,
    system,
    steps: work.steps,
    usage: work.usage,
    ...(work.output === undefined ? {} : { output: work.output }),
  };
  const first = await streamTurn(ctx, {
    ...base,
    messages: work.messages,
    tools: work.tools,
    maxSteps: work.agent.maxIter,
  });
  let messages = [...work.messages, ...first.responseMessages];
  let output = first.text;
  if (output.trim() === "") {
    messages = [...messages, { role: "user", content: FINAL_ANSWER_NUDGE }];
    const last = await streamTurn(ctx, {
      ...base,
      messages,
      tools: work.tools,
      maxSteps: 1,
      toolChoice: "none",
    });
    messages = [...messages, ...last.responseMessages];
    output = last.text;
  }
  if (output.trim() === "") {
    // CrewAI's max_iter is a limit like max_execution_time: running out of it is a timeout.
    throw new CrewError(
      ErrorCode.TIMEOUT,
      `Agent "${work.agent.key}" gave no answer for task "${work.scope.task}" within max_iter ${work.agent.maxIter}.`,
    );
  }
  return { output, messages };
}
