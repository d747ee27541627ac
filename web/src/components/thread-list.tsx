/**
 * The conversations, on assistant-ui's thread list primitives: open one, start a new one,
 * rename, or delete after a confirmation. The list is the runtime's (see `crew-thread-list.ts`).
 */
import {
  ThreadListItemPrimitive,
  ThreadListPrimitive,
  useAui,
  useAuiState,
} from "@assistant-ui/react";
import { useState } from "react";
import type { ThreadListCustom } from "../hooks/crew-thread-list.js";

const UNTITLED = "New thread";

function turns(custom: Record<string, unknown> | undefined): string | undefined {
  const count = (custom as Partial<ThreadListCustom> | undefined)?.runCount;
  return count === undefined ? undefined : `${count} turn${count === 1 ? "" : "s"}`;
}

function ThreadItem() {
  const aui = useAui();
  const remoteId = useAuiState((s) => s.threadListItem.remoteId);
  const title = useAuiState((s) => s.threadListItem.title) ?? UNTITLED;
  const custom = useAuiState((s) => s.threadListItem.custom);
  const lastMessageAt = useAuiState((s) => s.threadListItem.lastMessageAt);
  const [mode, setMode] = useState<"view" | "rename" | "confirm">("view");
  const [draft, setDraft] = useState(title);

  return (
    <ThreadListItemPrimitive.Root className="thread-item" data-thread-id={remoteId}>
      {mode === "rename" ? (
        <form
          className="thread-rename"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.trim() !== "") aui.threadListItem().rename(draft.trim());
            setMode("view");
          }}
        >
          <input
            aria-label="Thread title"
            value={draft}
            autoFocus
            maxLength={200}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setMode("view")}>
            Cancel
          </button>
        </form>
      ) : (
        <ThreadListItemPrimitive.Trigger className="run-item">
          <span className="run-item-label">
            <ThreadListItemPrimitive.Title fallback={UNTITLED} />
          </span>
          <span className="run-item-meta">
            {turns(custom) && <span>{turns(custom)}</span>}
            {lastMessageAt && (
              <time dateTime={lastMessageAt.toISOString()}>{lastMessageAt.toLocaleString()}</time>
            )}
          </span>
        </ThreadListItemPrimitive.Trigger>
      )}
      {mode === "confirm" ? (
        <span className="thread-confirm" role="group" aria-label="Confirm delete">
          <span>Delete this thread and its runs?</span>
          <ThreadListItemPrimitive.Delete className="danger">Delete</ThreadListItemPrimitive.Delete>
          <button type="button" onClick={() => setMode("view")}>
            Keep
          </button>
        </span>
      ) : (
        mode === "view" &&
        remoteId !== undefined && (
          <span className="thread-actions">
            <button
              type="button"
              aria-label={`Rename ${title}`}
              onClick={() => {
                setDraft(title);
                setMode("rename");
              }}
            >
              Rename
            </button>
            <button type="button" aria-label={`Delete ${title}`} onClick={() => setMode("confirm")}>
              Delete
            </button>
          </span>
        )
      )}
    </ThreadListItemPrimitive.Root>
  );
}

/** The thread list of the sidebar. */
export function ThreadList() {
  const error = useAuiState((s) => s.threads.loadError);
  const empty = useAuiState((s) => s.threads.threadIds.length === 0);
  const loading = useAuiState((s) => s.threads.isLoading);
  return (
    <ThreadListPrimitive.Root className="thread-list" aria-label="Threads">
      <ThreadListPrimitive.New className="new-chat">+ New thread</ThreadListPrimitive.New>
      <h2 className="sidebar-title">Threads</h2>
      {error !== undefined && (
        <p className="sidebar-error">
          Could not load the threads:{" "}
          {error instanceof Error ? error.message : "the server did not answer"}
        </p>
      )}
      {empty && !loading && error === undefined && <p className="sidebar-empty">No threads yet.</p>}
      <div className="run-list">
        <ThreadListPrimitive.Items components={{ ThreadListItem: ThreadItem }} />
      </div>
      <ThreadListPrimitive.LoadMore className="load-more">
        More threads
      </ThreadListPrimitive.LoadMore>
    </ThreadListPrimitive.Root>
  );
}
