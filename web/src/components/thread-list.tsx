/** The conversations: open one, start a new one, rename or delete (after a confirmation). */
import { useState } from "react";
import type { ThreadRecord } from "../../../src/client/index.js";

export interface ThreadListProps {
  threads: ThreadRecord[];
  error?: string;
  activeThreadId?: string;
  onOpen: (threadId: string) => void;
  onNew: () => void;
  onRename: (threadId: string, title: string) => void;
  onDelete: (threadId: string) => void;
}

function ThreadItem({
  thread,
  active,
  onOpen,
  onRename,
  onDelete,
}: {
  thread: ThreadRecord;
  active: boolean;
  onOpen: () => void;
  onRename: (title: string) => void;
  onDelete: () => void;
}) {
  const [mode, setMode] = useState<"view" | "rename" | "confirm">("view");
  const [title, setTitle] = useState(thread.title);
  if (mode === "rename") {
    return (
      <form
        className="thread-rename"
        onSubmit={(event) => {
          event.preventDefault();
          if (title.trim() !== "") onRename(title.trim());
          setMode("view");
        }}
      >
        <input
          aria-label="Thread title"
          value={title}
          autoFocus
          maxLength={200}
          onChange={(event) => setTitle(event.target.value)}
        />
        <button type="submit">Save</button>
        <button type="button" onClick={() => setMode("view")}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <div className="thread-item" data-thread-id={thread.threadId}>
      <button
        type="button"
        className="run-item"
        aria-current={active ? "true" : undefined}
        onClick={onOpen}
      >
        <span className="run-item-label">{thread.title}</span>
        <span className="run-item-meta">
          <span>
            {thread.runCount} turn{thread.runCount === 1 ? "" : "s"}
          </span>
          <time dateTime={thread.updatedAt}>{new Date(thread.updatedAt).toLocaleString()}</time>
        </span>
      </button>
      {mode === "confirm" ? (
        <span className="thread-confirm" role="group" aria-label="Confirm delete">
          <span>Delete this thread and its runs?</span>
          <button type="button" className="danger" onClick={onDelete}>
            Delete
          </button>
          <button type="button" onClick={() => setMode("view")}>
            Keep
          </button>
        </span>
      ) : (
        <span className="thread-actions">
          <button
            type="button"
            aria-label={`Rename ${thread.title}`}
            onClick={() => {
              setTitle(thread.title);
              setMode("rename");
            }}
          >
            Rename
          </button>
          <button
            type="button"
            aria-label={`Delete ${thread.title}`}
            onClick={() => setMode("confirm")}
          >
            Delete
          </button>
        </span>
      )}
    </div>
  );
}

export function ThreadList({
  threads,
  error,
  activeThreadId,
  onOpen,
  onNew,
  onRename,
  onDelete,
}: ThreadListProps) {
  return (
    <section className="thread-list" aria-label="Threads">
      <button type="button" className="new-chat" onClick={onNew}>
        + New thread
      </button>
      <h2 className="sidebar-title">Threads</h2>
      {error && <p className="sidebar-error">{error}</p>}
      {threads.length === 0 && !error && <p className="sidebar-empty">No threads yet.</p>}
      <ul className="run-list">
        {threads.map((thread) => (
          <li key={thread.threadId}>
            <ThreadItem
              thread={thread}
              active={thread.threadId === activeThreadId}
              onOpen={() => onOpen(thread.threadId)}
              onRename={(title) => onRename(thread.threadId, title)}
              onDelete={() => onDelete(thread.threadId)}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
