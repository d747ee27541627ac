/**
 * The hierarchical process: a manager agent works through each task by delegating to the
 * crew's agents with the `delegate_work` tool, then writes the task's output itself.
 */
import { tool, type Tool } from "ai";
import { z } from "zod";
import { runAgent } from "./agent.js";
import { recallFor, saveOutcome } from "./long-term-memory.js";
import {
  DELEGATED_EXPECTED_OUTPUT,
  delegateToolDescription,
  taskFor,
  taskPrompt,
} from "./prompts.js";
import type { RunContext, StepCounter, UsageMeter } from "./run-context.js";
import { scheduleTasks } from "./sequential.js";
import { runTask } from "./task.js";
import type { AgentDefinition } from "../crew/index.js";
import { DELEGATE_TOOL, MANAGER_KEY } from "../events/index.js";

/** Role of the manager agent. */
export const MANAGER_ROLE = "Crew Manager";

/** The manager agent of a crew: its goal is the crew's tasks done well by the right people. */
export function managerAgent(crewAgents: readonly AgentDefinition[]): AgentDefinition {
  return {
    key: MANAGER_KEY,
    role: MANAGER_ROLE,
    goal: "Manage the team to complete each task with the best possible result, delegating work to the right coworker.",
    backstory:
      "You are a seasoned manager who knows the strengths of each team member. You delegate clearly, share all the context they need, check their work and write the final answer yourself.",
    tools: [],
    allowDelegation: true,
    maxIter: Math.max(20, crewAgents.length * 2 + 2),
  };
}

/**
 * The `delegate_work` tool for one task: runs the chosen coworker's agent turn (its events
 * carry the coworker's key and the task's key) and returns the coworker's answer.
 */
function delegateTool(
  ctx: RunContext,
  taskKey: string,
  coworkers: readonly AgentDefinition[],
  steps: StepCounter,
  usage: UsageMeter,
): Tool<{ coworker: string; task: string; context: string }, string> {
  const keys = coworkers.map((c) => c.key) as [string, ...string[]];
  return tool({
    description: delegateToolDescription(coworkers),
    inputSchema: z.object({
      coworker: z.enum(keys).describe("Key of the coworker to delegate to"),
      task: z.string().describe("The task to delegate, stated completely"),
      context: z.string().describe("Everything the coworker needs to know to do it"),
    }),
    execute: async ({ coworker, task, context }) => {
      const agent = coworkers.find((c) => c.key === coworker) as AgentDefinition;
      await ctx.emit({
        type: "task.delegate",
        agent: MANAGER_KEY,
        task: taskKey,
        from: MANAGER_KEY,
        to: coworker,
        reason: task,
      });
      const answer = await runAgent(ctx, {
        agent,
        scope: { agent: coworker, task: taskKey },
        messages: [
          {
            role: "user",
            content: taskPrompt(
              taskFor({ description: task, expectedOutput: DELEGATED_EXPECTED_OUTPUT }, agent),
              context,
            ),
          },
        ],
        tools: ctx.toolsFor(agent),
        steps,
        usage,
      });
      return answer.output;
    },
  });
}

/**
 * Runs every task through the manager (async tasks in parallel, as in the sequential process);
 * resolves with the last task's output.
 */
export function runHierarchical(ctx: RunContext, manager: AgentDefinition): Promise<string> {
  const { tasks, agents } = ctx.crew;
  return scheduleTasks(ctx, async (taskCtx, task, index, context) => {
    const scope = { agent: MANAGER_KEY, task: task.key };
    const toolsFor = (steps: StepCounter, usage: UsageMeter) => ({
      ...taskCtx.toolsFor(manager, task.tools),
      [DELEGATE_TOOL]: delegateTool(taskCtx, task.key, agents, steps, usage),
    });
    const output = await runTask(
      taskCtx,
      { task, agent: MANAGER_KEY, index, total: tasks.length },
      {
        answer: async (steps, usage, shape) => {
          const memories = await recallFor(taskCtx, scope, task);
          return runAgent(taskCtx, {
            agent: manager,
            scope,
            messages: [
              {
                role: "user",
                content: taskPrompt(task, context, taskCtx.conversation, memories),
              },
            ],
            tools: toolsFor(steps, usage),
            steps,
            usage,
            ...shape,
          });
        },
        revise: (messages, steps, usage, shape) =>
          runAgent(taskCtx, {
            agent: manager,
            scope,
            messages,
            tools: toolsFor(steps, usage),
            steps,
            usage,
            ...shape,
          }),
      },
    );
    await saveOutcome(taskCtx, scope, task, output);
    return output;
  });
}
