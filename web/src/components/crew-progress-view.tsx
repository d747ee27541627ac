/** The live timeline of a run: header, notices, human input, then one card per task. */
import { useAuiState } from "@assistant-ui/react";
import type { DataMessagePartProps } from "@assistant-ui/react";
import {
  formatCost,
  isActive,
  isRunEnded,
  pendingInput,
  type RunProgress,
} from "../../../src/client/index.js";
import type { CrewProgressData } from "../../../src/react/index.js";
import { AgentStrip } from "./agent-strip.js";
import { ElapsedTime } from "./elapsed-time.js";
import { InputRequestForm } from "./input-request-form.js";
import { parallelGroups } from "./parallel-groups.js";
import { RunNotices } from "./run-notices.js";
import { RunTimeline } from "./run-timeline.js";
import { StatusBadge } from "./status-badge.js";
import { CrewWarnings } from "./crew-warnings.js";
import { TaskCard } from "./task-card.js";
import { tokenCount } from "./token-count.js";

export function CrewProgressView({ data }: DataMessagePartProps<CrewProgressData>) {
  const { progress: received, connection } = data as CrewProgressData;
  // A stopped message gets no more updates: show the run as cancelled rather than still going.
  const stopped = useAuiState((s) => s.message.status?.type === "incomplete");
  const progress = stopped && !isRunEnded(received.status) ? asCancelled(received) : received;
  const live = !isRunEnded(progress.status);
  const request = pendingInput(progress);
  const tokens = tokenCount(progress);
  const done = progress.tasks.filter((t) => t.status === "completed").length;
  return (
    <section
      className="crew-run"
      aria-label="Crew progress"
      data-run-id={progress.runId}
      data-run-status={progress.status}
    >
      <header className="crew-run-header">
        <div className="crew-run-title">
          <strong>{progress.crew ?? "Starting…"}</strong>
          <StatusBadge status={progress.status} />
        </div>
        <div className="crew-run-meta">
          {progress.tasks.length > 0 && (
            <span>
              {done}/{progress.tasks.length} tasks
            </span>
          )}
          {tokens && progress.status !== "queued" && <span className="run-tokens">{tokens}</span>}
          {progress.status !== "queued" && (
            <span className="run-cost" title="What the run's model calls cost">
              {formatCost(progress.cost)}
            </span>
          )}
          <ElapsedTime
            {...(progress.startedAt ? { since: progress.startedAt } : {})}
            {...(progress.durationMs === undefined ? {} : { durationMs: progress.durationMs })}
            live={live}
          />
        </div>
      </header>
      <AgentStrip agents={progress.agents} />
      <RunTimeline progress={progress} />
      <RunNotices progress={progress} connection={connection} />
      <CrewWarnings warnings={progress.warnings} />
      {request && progress.runId && <InputRequestForm runId={progress.runId} request={request} />}
      <ol className="task-list">
        {parallelGroups(progress.tasks).map((group) => {
          const cards = group.map((task) => (
            <TaskCard
              key={task.key}
              task={task}
              total={progress.tasks.length}
              agents={progress.agents}
              live={live}
              {...(progress.runId === undefined ? {} : { runId: progress.runId })}
            />
          ));
          // Tasks that ran at the same time sit side by side, each streaming its own text.
          return group.length === 1 ? (
            cards
          ) : (
            <li
              key={group.map((t) => t.key).join("+")}
              className="parallel-lanes"
              aria-label={`${group.length} tasks in parallel`}
            >
              <ol className="lane-list">{cards}</ol>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function asCancelled(progress: RunProgress): RunProgress {
  const tasks = progress.tasks.map((t) =>
    isActive(t.status) ? { ...t, status: "cancelled" as const } : t,
  );
  const agents = progress.agents.map((a) =>
    isActive(a.status) ? { ...a, status: "cancelled" as const } : a,
  );
  return { ...progress, status: "cancelled", waitingFor: [], tasks, agents };
}
