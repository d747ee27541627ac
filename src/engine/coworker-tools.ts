/**
 * CrewAI's two coworker tools for an agent with `allow_delegation` in a sequential crew:
 * "Delegate work to coworker" and "Ask question to coworker", limited to the crew's other
 * agents. Each use streams `task.delegate` (from, to, what), then the coworker's own work in
 * the same task, stamped with the coworker as agent.
 */
import { tool, type Tool, type ToolSet } from "ai";
import { z } from "zod";
import { runAgent } from "./agent.js";
import { DELEGATED_EXPECTED_OUTPUT, taskFor, taskPrompt } from "./prompts.js";
import type { RunContext, StepCounter, UsageMeter } from "./run-context.js";
import type { AgentDefinition } from "../crew/index.js";
import { ASK_QUESTION_TOOL, DELEGATE_WORK_TOOL } from "../events/index.js";

/** Who delegates, in which task, to whom. */
export interface CoworkerToolsOptions {
  from: AgentDefinition;
  taskKey: string;
  /** Every agent of the crew; the delegating one is left out. */
  agents: readonly AgentDefinition[];
  steps: StepCounter;
  usage: UsageMeter;
}

function coworkerList(coworkers: readonly AgentDefinition[]): string {
  return coworkers.map((c) => `${c.key} (${c.role})`).join(", ");
}

/** The coworker tools of an agent, or none when it may not delegate or works alone. */
export function coworkerTools(ctx: RunContext, options: CoworkerToolsOptions): ToolSet {
  const { from } = options;
  const coworkers = options.agents.filter((a) => a.key !== from.key);
  if (!from.allowDelegation || coworkers.length === 0) return {};
  const keys = coworkers.map((c) => c.key) as [string, ...string[]];
  const list = coworkerList(coworkers);

  const handOver = async (
    coworker: string,
    request: string,
    context: string,
    expectedOutput: string,
  ): Promise<string> => {
    const agent = coworkers.find((c) => c.key === coworker || c.role === coworker);
    if (agent === undefined) {
      throw new Error(`"${coworker}" is not a coworker; choose one of: ${list}.`);
    }
    await ctx.emit({
      type: "task.delegate",
      agent: from.key,
      task: options.taskKey,
      from: from.key,
      to: agent.key,
      reason: request,
    });
    const answer = await runAgent(ctx, {
      agent,
      scope: { agent: agent.key, task: options.taskKey },
      messages: [
        {
          role: "user",
          content: taskPrompt(taskFor({ description: request, expectedOutput }, agent), context),
        },
      ],
      tools: ctx.toolsFor(agent),
      steps: options.steps,
      usage: options.usage,
    });
    return answer.output;
  };

  const delegate: Tool<{ coworker: string; task: string; context: string }, string> = tool({
    description: [
      `Delegate a specific task to one of the following coworkers: ${list}.`,
      "The input must name the coworker, the task you want them to do, and ALL necessary context to execute the task:",
      "they know nothing about the task, so share absolutely everything you know; don't reference things, explain them.",
    ].join("\n"),
    inputSchema: z.object({
      coworker: z.enum(keys).describe("Key of the coworker to delegate to"),
      task: z.string().describe("The task to delegate, stated completely"),
      context: z.string().describe("Everything the coworker needs to know to do it"),
    }),
    execute: ({ coworker, task, context }) =>
      handOver(coworker, task, context, DELEGATED_EXPECTED_OUTPUT),
  });
  const ask: Tool<{ coworker: string; question: string; context: string }, string> = tool({
    description: [
      `Ask a specific question to one of the following coworkers: ${list}.`,
      "The input must name the coworker, the question you have for them, and ALL necessary context to ask the question properly:",
      "they know nothing about the question, so share absolutely everything you know; don't reference things, explain them.",
    ].join("\n"),
    inputSchema: z.object({
      coworker: z.enum(keys).describe("Key of the coworker to ask"),
      question: z.string().describe("The question, stated completely"),
      context: z.string().describe("Everything the coworker needs to know to answer"),
    }),
    execute: ({ coworker, question, context }) =>
      handOver(coworker, question, context, DELEGATED_EXPECTED_OUTPUT),
  });
  return { [DELEGATE_WORK_TOOL]: delegate, [ASK_QUESTION_TOOL]: ask };
}
