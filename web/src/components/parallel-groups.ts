/**
 * Tasks that ran at the same time (CrewAI's `async_execution`), found from their times: each
 * group is a run of neighbouring tasks whose working times overlap. A group of one is a task
 * that ran on its own.
 */
import type { TaskProgress } from "../../../src/client/index.js";

function overlaps(task: TaskProgress, group: readonly TaskProgress[]): boolean {
  if (task.startedAt === undefined) return false;
  const start = Date.parse(task.startedAt);
  return group.some(
    (other) =>
      other.startedAt !== undefined &&
      Date.parse(other.startedAt) <= start &&
      (other.endedAt === undefined
        ? other.status !== "pending"
        : Date.parse(other.endedAt) > start),
  );
}

/** The tasks in order, neighbours that overlapped in time grouped together. */
export function parallelGroups(tasks: readonly TaskProgress[]): TaskProgress[][] {
  const groups: TaskProgress[][] = [];
  for (const task of tasks) {
    const last = groups.at(-1);
    if (last !== undefined && overlaps(task, last)) last.push(task);
    else groups.push([task]);
  }
  return groups;
}
