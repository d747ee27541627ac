/**
 * The sequential process: each task in order, done by its agent, with the outputs of its
 * `context` tasks (or, by default, of the previous task, as CrewAI does).
 *
 * Consecutive tasks with `async_execution` start together (CrewAI's rule). The next
 * synchronous task waits for all of them and gets all their outputs as its default context; a
 * task naming one of them in `context` waits for that one. The first failure among parallel
 * tasks stops the others and fails the run.
 */
import { runAgent } from "./agent.js";
import { coworkerTools } from "./coworker-tools.js";
import { recallFor, saveOutcome } from "./long-term-memory.js";
import { taskFor, taskPrompt, type ContextOutput } from "./prompts.js";
import type { RunContext, StepCounter, UsageMeter } from "./run-context.js";
import { runTask } from "./task.js";
import { childContext, withTimeLimit, type ChildContext } from "./time-limit.js";
import type { AgentDefinition, TaskDefinition } from "../crew/index.js";
import { CrewError, ErrorCode } from "../events/index.js";

/** A task's outcome, kept as a value so a failure is never an unhandled rejection. */
type Outcome = { ok: true; output: string } | { ok: false; error: unknown };

/** Parallel tasks started and not yet waited for, sharing one stop signal. */
interface ParallelGroup {
  child: ChildContext;
  tasks: Array<{ key: string; outcome: Promise<Outcome> }>;
  /** The first failure, which stopped the others. */
  failure?: unknown;
}

function settle(outcome: Outcome): string {
  if (outcome.ok) return outcome.output;
  throw outcome.error;
}

/** Runs every task in order (async ones in parallel); resolves with the last task's output. */
export function runSequential(
  ctx: RunContext,
  agentOf: (task: TaskDefinition) => AgentDefinition,
): Promise<string> {
  const total = ctx.crew.tasks.length;
  return scheduleTasks(ctx, (runCtx, task, index, context) => {
    const agent = agentOf(task);
    const limit = agent.maxExecutionTime;
    return withTimeLimit(
      runCtx,
      limit === undefined ? undefined : limit * 1000,
      `Task "${task.key}" took longer than agent "${agent.key}"'s max_execution_time of ${limit} s.`,
      (taskCtx) => performTask(taskCtx, task, agent, index, total, context),
    );
  });
}

/** Does one task with the outputs it is given; `ctx` is the task's (its signal may end early). */
export type PerformTask = (
  ctx: RunContext,
  task: TaskDefinition,
  index: number,
  context: ContextOutput[],
) => Promise<string>;

/**
 * Runs the crew's tasks in order through `perform`, async ones in parallel (see the file
 * comment); resolves with the last task's output. Both processes schedule tasks this way.
 */
export async function scheduleTasks(ctx: RunContext, perform: PerformTask): Promise<string> {
  const { tasks } = ctx.crew;
  const done: Array<{ key: string; output: string }> = [];
  const outcomes = new Map<string, Promise<Outcome>>();
  let group: ParallelGroup | undefined;
  // Outputs a task without `context` gets: the previous task's, or the parallel group's.
  let previous: Array<{ key: string; output: string }> = [];

  const contextOf = async (task: TaskDefinition): Promise<ContextOutput[]> => {
    if (task.context.length === 0) return previous.map((d) => ({ task: d.key, output: d.output }));
    const found: ContextOutput[] = [];
    for (const key of task.context) {
      const outcome = outcomes.get(key);
      if (outcome !== undefined) found.push({ task: key, output: settle(await outcome) });
    }
    return found;
  };

  const join = async (): Promise<void> => {
    if (group === undefined) return;
    const joined = group;
    group = undefined;
    const results = await Promise.all(joined.tasks.map((t) => t.outcome));
    joined.child.dispose();
    if (joined.failure !== undefined) throw joined.failure;
    const first = results.find((r) => !r.ok);
    if (first !== undefined) settle(first);
    previous = joined.tasks.map((t, i) => ({ key: t.key, output: settle(results[i] as Outcome) }));
    done.push(...previous);
  };

  try {
    for (const [index, task] of tasks.entries()) {
      if (task.asyncExecution === true) {
        const current = group ?? { child: childContext(ctx), tasks: [] };
        group = current;
        const outcome: Promise<Outcome> = (async () => {
          const context = await contextOf(task);
          return perform(current.child.ctx, task, index, context);
        })().then(
          (output): Outcome => ({ ok: true, output }),
          (error: unknown): Outcome => {
            if (current.failure === undefined && current.child.reason === undefined) {
              current.failure = error;
              current.child.abort(
                new CrewError(
                  ErrorCode.CANCELLED,
                  `Stopped because parallel task "${task.key}" failed.`,
                ),
              );
            }
            return { ok: false, error };
          },
        );
        outcomes.set(task.key, outcome);
        current.tasks.push({ key: task.key, outcome });
        continue;
      }
      await join();
      const output = await perform(ctx, task, index, await contextOf(task));
      outcomes.set(task.key, Promise.resolve({ ok: true, output }));
      previous = [{ key: task.key, output }];
      done.push(...previous);
    }
    await join();
  } finally {
    // A failing synchronous task leaves no parallel task running behind the run's back.
    if (group !== undefined) {
      group.child.abort(new CrewError(ErrorCode.CANCELLED, "The run ended."));
      await Promise.all(group.tasks.map((t) => t.outcome));
      group.child.dispose();
    }
  }
  return done.at(-1)?.output ?? "";
}

/** One task by its agent, with the coworker tools when the agent may delegate. */
async function performTask(
  ctx: RunContext,
  task: TaskDefinition,
  agent: AgentDefinition,
  index: number,
  total: number,
  context: ContextOutput[],
): Promise<string> {
  const scope = { agent: agent.key, task: task.key };
  const toolsFor = (steps: StepCounter, usage: UsageMeter) => ({
    ...ctx.toolsFor(agent, task.tools),
    ...coworkerTools(ctx, {
      from: agent,
      taskKey: task.key,
      agents: ctx.crew.agents,
      steps,
      usage,
    }),
  });
  const output = await runTask(
    ctx,
    { task, agent: agent.key, index, total },
    {
      answer: async (steps, usage, shape) => {
        const memories = await recallFor(ctx, scope, task);
        return runAgent(ctx, {
          agent,
          scope,
          messages: [
            {
              role: "user",
              content: taskPrompt(taskFor(task, agent), context, ctx.conversation, memories),
            },
          ],
          tools: toolsFor(steps, usage),
          steps,
          usage,
          ...shape,
        });
      },
      revise: (messages, steps, usage, shape) =>
        runAgent(ctx, {
          agent,
          scope,
          messages,
          tools: toolsFor(steps, usage),
          steps,
          usage,
          ...shape,
        }),
    },
  );
  await saveOutcome(ctx, scope, task, output);
  return output;
}
