/**
 * What the terminal shows about a run: the progress model folded from its events, plus the
 * event clock a replay runs on. The live view and the plain-line output both read it; it holds
 * no timers and no terminal code, so the same events always give the same view (a replay shows
 * exactly what the live run showed).
 */
import type { CrewEvent, RunProgress, TaskProgress } from "../events/index.js";
import { initialProgress, isActive, reduceProgress } from "../events/index.js";
import { fillKnownPlaceholders } from "../crew/index.js";

/** The run as the terminal shows it. */
export interface RunViewState {
  progress: RunProgress;
  /** Epoch ms of the newest event: the clock of a replay. */
  lastEventAt?: number;
}

/** An empty view, before `run.start`. */
export function createRunViewState(): RunViewState {
  return { progress: initialProgress() };
}

/** Folds one event into the view (replacing its progress) and returns it. */
export function applyEvent(state: RunViewState, event: CrewEvent): RunViewState {
  const at = Date.parse(event.ts);
  if (!Number.isNaN(at)) state.lastEventAt = at;
  state.progress = reduceProgress(state.progress, event);
  return state;
}

/** An agent's role with the run's inputs filled in, or its key when the crew did not list it. */
export function roleOf(progress: RunProgress, agentKey: string): string {
  const role = progress.agents.find((agent) => agent.key === agentKey)?.role ?? agentKey;
  return progress.inputs === undefined ? role : fillKnownPlaceholders(role, progress.inputs).trim();
}

/** The task an agent is at work on now, if any. */
export function workingOn(progress: RunProgress, agentKey: string): TaskProgress | undefined {
  return progress.tasks.find(
    (t) => isActive(t.status) && (t.activeAgent === agentKey || t.agent === agentKey),
  );
}
