/** One task in the timeline: agent, status, steps, tokens, time; expands to its work and output. */
import { memo, useState } from "react";
import {
  formatCost,
  isActive,
  streamedText,
  type AgentProgress,
  type TaskProgress,
} from "../../../src/client/index.js";
import { ElapsedTime } from "./elapsed-time.js";
import { MarkdownView } from "./markdown-view.js";
import { StatusBadge } from "./status-badge.js";
import { StructuredValue } from "./structured-value.js";
import { TaskChecks } from "./task-checks.js";
import { ToolCallItem } from "./tool-call-item.js";
import { stepCount } from "./step-count.js";
import { tokenCount } from "./token-count.js";

export interface TaskCardProps {
  task: TaskProgress;
  total: number;
  agents: AgentProgress[];
  live: boolean;
  /** The run's id, for links to the files it wrote. */
  runId?: string;
}

function roleOf(agents: AgentProgress[], key: string | undefined): string | undefined {
  return key === undefined ? undefined : (agents.find((a) => a.key === key)?.role ?? key);
}

export const TaskCard = memo(function TaskCard({
  task,
  total,
  agents,
  live,
  runId,
}: TaskCardProps) {
  const active = isActive(task.status);
  const tokens = task.status === "pending" ? undefined : tokenCount(task, "tok");
  const [expanded, setExpanded] = useState<boolean>();
  const open = expanded ?? active;
  const text = task.output ?? streamedText(task);
  const bodyId = `task-body-${task.key}`;
  return (
    <li className={`task task-${task.status}`} data-task={task.key} data-status={task.status}>
      <button
        type="button"
        className="task-header"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setExpanded(!open)}
      >
        <span className="task-index">
          {task.index + 1}/{total}
        </span>
        <span className="task-name">
          <span className="task-key">{task.key.replace(/_/g, " ")}</span>
          {task.agent && <span className="task-agent">{roleOf(agents, task.agent)}</span>}
        </span>
        <span className="task-meta">
          {task.warnings && task.warnings.length > 0 && (
            <span
              className="task-warning-mark"
              title={task.warnings.join("\n")}
              data-testid={`warning-mark-${task.key}`}
            >
              ⚠ {task.warnings.length === 1 ? "1 warning" : `${task.warnings.length} warnings`}
            </span>
          )}
          {task.steps > 0 && <span>{stepCount(task.steps)}</span>}
          {task.tools.length > 0 && <span>{task.tools.length} tools</span>}
          {tokens && <span className="task-tokens">{tokens}</span>}
          {task.status !== "pending" && <span className="task-cost">{formatCost(task.cost)}</span>}
          <ElapsedTime
            {...(task.startedAt ? { since: task.startedAt } : {})}
            {...(task.durationMs === undefined ? {} : { durationMs: task.durationMs })}
            live={live && active}
          />
          <StatusBadge status={task.status} />
        </span>
      </button>
      {open && (
        <div className="task-body" id={bodyId}>
          {task.description && <p className="task-description">{task.description}</p>}
          {task.delegations.map((d, i) => (
            <p key={i} className="delegation">
              ↳ {roleOf(agents, d.from)} delegated to <strong>{roleOf(agents, d.to)}</strong>:{" "}
              {d.reason}
            </p>
          ))}
          {task.memory && (
            <p className="task-memory" data-testid={`task-memory-${task.key}`}>
              {task.memory.recalled.length > 0
                ? `Recalled ${task.memory.recalled.length} memor${task.memory.recalled.length === 1 ? "y" : "ies"}: ${task.memory.recalled.map((entry) => entry.text).join(" · ")}`
                : "Nothing recalled from memory."}
              {task.memory.saved && " Saved to memory."}
            </p>
          )}
          {task.tools.length > 0 && (
            <ul className="tool-list">
              {task.tools.map((call) => (
                <ToolCallItem key={call.callId} call={call} />
              ))}
            </ul>
          )}
          {task.thoughts.length > 0 && (
            <div className="thoughts">
              {task.thoughts.map((thought, i) => (
                <details key={i} className="thought" data-testid="thought">
                  <summary>
                    {thought.step === undefined ? "Thinking…" : `Thought · step ${thought.step}`}
                    {thought.agent !== undefined && thought.agent !== task.agent && (
                      <span className="thought-agent"> · {roleOf(agents, thought.agent)}</span>
                    )}
                  </summary>
                  <p>{thought.text}</p>
                </details>
              ))}
            </div>
          )}
          {task.warnings && task.warnings.length > 0 && (
            <ul className="task-warnings" data-testid={`warnings-${task.key}`}>
              {task.warnings.map((warning) => (
                <li key={warning}>
                  <span aria-hidden="true">⚠</span> {warning}
                </li>
              ))}
            </ul>
          )}
          {task.checks && task.checks.length > 0 && (
            <TaskChecks checks={task.checks} taskKey={task.key} />
          )}
          {task.file && runId && (
            <p className="task-file">
              Wrote{" "}
              <a
                href={`/api/runs/${encodeURIComponent(runId)}/files/${task.file
                  .split("/")
                  .map(encodeURIComponent)
                  .join("/")}`}
                download={task.file.split("/").at(-1)}
                data-testid={`file-${task.key}`}
              >
                {task.file}
              </a>
            </p>
          )}
          {task.object !== undefined ? (
            <StructuredValue value={task.object} taskKey={task.key} live={active} />
          ) : task.segments.length > 1 && !task.output ? (
            task.segments.map((segment, i) => (
              <div key={i} className="segment">
                <span className="segment-agent">{roleOf(agents, segment.agent)}</span>
                <MarkdownView text={segment.text} />
              </div>
            ))
          ) : text ? (
            <div className="task-output" data-testid={`task-output-${task.key}`}>
              <MarkdownView text={text} />
            </div>
          ) : (
            active && (
              <p className="task-thinking">
                {task.lastStep
                  ? `${task.lastStep.kind}: ${task.lastStep.text.slice(0, 160)}`
                  : "Thinking…"}
              </p>
            )
          )}
        </div>
      )}
    </li>
  );
});
