/** Recent runs: open a finished run to replay it, a running one to watch it live. */
import type { ReactNode } from "react";
import type { RunRecord } from "../../../src/client/index.js";
import { StatusBadge } from "./status-badge.js";

export interface HistorySidebarProps {
  runs: RunRecord[];
  error?: string;
  activeRunId?: string;
  onOpen: (runId: string) => void;
  onNewChat: () => void;
  onClose: () => void;
  /** Shown above the run history (the thread list). */
  children?: ReactNode;
}

function label(run: RunRecord): string {
  const value = run.inputs.topic ?? Object.values(run.inputs)[0];
  return value === undefined ? run.crew : String(value);
}

function when(iso: string): string {
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString();
}

export function HistorySidebar({
  runs,
  error,
  activeRunId,
  onOpen,
  onNewChat,
  onClose,
  children,
}: HistorySidebarProps) {
  return (
    <>
      <div className="sidebar-scrim" onClick={onClose} aria-hidden="true" />
      <aside className="sidebar" aria-label="Run history">
        {children}
        <button type="button" className="new-chat" onClick={onNewChat}>
          + New run
        </button>
        <h2 className="sidebar-title">History</h2>
        {error && <p className="sidebar-error">{error}</p>}
        {runs.length === 0 && !error && <p className="sidebar-empty">No runs yet.</p>}
        <ul className="run-list">
          {runs.map((run) => (
            <li key={run.id}>
              <button
                type="button"
                className="run-item"
                aria-current={run.id === activeRunId ? "true" : undefined}
                onClick={() => onOpen(run.id)}
                data-run-id={run.id}
              >
                <span className="run-item-label">{label(run)}</span>
                <span className="run-item-meta">
                  <StatusBadge status={run.status} />
                  <span className="run-item-crew">{run.crew}</span>
                  <time dateTime={run.createdAt}>{when(run.createdAt)}</time>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
    </>
  );
}
