/**
 * The seed project's progress line, `{"type":"progress","agent":"...","task":"...","timestamp":"..."}`,
 * as a projection of `agent.step` events. This is what `crewstream run --progress-stderr` writes,
 * so tools built for the seed's Python crew keep working unchanged.
 */
import { fillKnownPlaceholders } from "../crew/index.js";
import type { AgentStepEvent, CrewEvent } from "../events/index.js";
import { firstNonEmptyLine } from "../util/index.js";

/** One legacy progress line, exactly the seed's shape (and key order). */
export interface LegacyProgressLine {
  type: "progress";
  /** The agent's role, as CrewAI printed it. */
  agent: string;
  /** The first line of the task's description, with `{placeholders}` filled in. */
  task: string;
  /** When the step happened, ISO-8601 (the event's `ts`). */
  timestamp: string;
}

/** What a projection needs to know about the run: roles by agent key, descriptions by task key. */
export interface LegacyProgressContext {
  roles: ReadonlyMap<string, string>;
  descriptions: ReadonlyMap<string, string>;
}

/**
 * Projects one `agent.step` to the legacy line. Unknown agents fall back to their key and
 * unknown tasks to the task key, so a line is never dropped for missing context.
 */
export function toLegacyProgress(
  event: AgentStepEvent,
  context: LegacyProgressContext,
): LegacyProgressLine {
  const agentKey = event.agent ?? "";
  const taskKey = event.task ?? "";
  const description = context.descriptions.get(taskKey);
  return {
    type: "progress",
    agent: context.roles.get(agentKey) ?? agentKey,
    task: description === undefined ? taskKey : firstNonEmptyLine(description),
    timestamp: event.ts,
  };
}

/**
 * Follows a run's events and answers the legacy line for each `agent.step`. It learns roles
 * from `run.start` and descriptions from `task.start`, so it must see the run from its start.
 */
export class LegacyProgressProjector implements LegacyProgressContext {
  readonly roles = new Map<string, string>();
  readonly descriptions = new Map<string, string>();

  /** Feeds one event; returns the legacy line when the event is an `agent.step`. */
  push(event: CrewEvent): LegacyProgressLine | undefined {
    switch (event.type) {
      case "run.start":
        for (const agent of event.agents) {
          this.roles.set(agent.key, fillKnownPlaceholders(agent.role, event.inputs).trim());
        }
        return undefined;
      case "task.start":
        if (event.task !== undefined) this.descriptions.set(event.task, event.description);
        return undefined;
      case "agent.step":
        return toLegacyProgress(event, this);
      default:
        return undefined;
    }
  }
}
