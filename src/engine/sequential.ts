/**
 * The sequential process: each task in order, done by its agent, with the outputs of its
 * `context` tasks (or, by default, of the previous task, as CrewAI does).
 */
import { runAgent } from "./agent.js";
import { recallFor, saveOutcome } from "./long-term-memory.js";
import { taskPrompt, type ContextOutput } from "./prompts.js";
import type { RunContext } from "./run-context.js";
import { runTask } from "./task.js";
import type { AgentDefinition, TaskDefinition } from "../crew/index.js";

/** The outputs a task is given: its `context` tasks', or else the previous task's. */
export function contextFor(
  task: TaskDefinition,
  done: ReadonlyArray<{ key: string; output: string }>,
): ContextOutput[] {
  if (task.context.length > 0) {
    return task.context.flatMap((key) => {
      const found = done.find((d) => d.key === key);
      return found ? [{ task: key, output: found.output }] : [];
    });
  }
  const previous = done.at(-1);
  return previous ? [{ task: previous.key, output: previous.output }] : [];
}

/** Runs every task in order; resolves with the last task's output. */
export async function runSequential(
  ctx: RunContext,
  agentOf: (task: TaskDefinition) => AgentDefinition,
): Promise<string> {
  const { tasks } = ctx.crew;
  const done: Array<{ key: string; output: string }> = [];
  for (const [index, task] of tasks.entries()) {
    const agent = agentOf(task);
    const scope = { agent: agent.key, task: task.key };
    const tools = ctx.toolsFor(agent, task.tools);
    const output = await runTask(
      ctx,
      { task, agent: agent.key, index, total: tasks.length },
      {
        answer: async (steps, usage) => {
          const memories = await recallFor(ctx, scope, task);
          return runAgent(ctx, {
            agent,
            scope,
            messages: [
              {
                role: "user",
                content: taskPrompt(task, contextFor(task, done), ctx.conversation, memories),
              },
            ],
            tools,
            steps,
            usage,
          });
        },
        revise: (messages, steps, usage) =>
          runAgent(ctx, { agent, scope, messages, tools, steps, usage }),
      },
    );
    await saveOutcome(ctx, scope, task, output);
    done.push({ key: task.key, output });
  }
  return done.at(-1)?.output ?? "";
}
