"use client";
/** The live timeline of a run inside the assistant message: one row per task. */
import type { CrewProgressData } from "crewstream/react";

export function CrewProgress({ data }: { data: CrewProgressData }) {
  const { progress, connection } = data;
  return (
    <div className="crew-progress">
      <p className="crew-status">
        {progress.crew ?? "crew"}: {progress.status}
        {connection === "reconnecting" ? " (reconnecting…)" : ""}
      </p>
      <ol>
        {progress.tasks.map((task) => (
          <li key={task.key} data-status={task.status}>
            <strong>{task.key}</strong> {task.agent ? `by ${task.agent}` : ""}: {task.status}
            {task.steps > 0 ? `, ${task.steps} step${task.steps === 1 ? "" : "s"}` : ""}
          </li>
        ))}
      </ol>
    </div>
  );
}
