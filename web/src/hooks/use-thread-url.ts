/**
 * The conversation shown on the page lives in the URL (`?thread=<id>`) and in sessionStorage, so
 * a reload keeps it and a thread can be linked to.
 */

const KEY = "crewstream.thread";

/** The thread to open on load: `?thread=` wins over the session's last thread. */
export function initialThreadId(): string | undefined {
  const fromUrl = new URLSearchParams(location.search).get("thread");
  return fromUrl ?? sessionStorage.getItem(KEY) ?? undefined;
}

/** Remembers the shown thread (or forgets it with undefined). */
export function rememberThread(threadId: string | undefined): void {
  const url = new URL(location.href);
  if (threadId) {
    url.searchParams.set("thread", threadId);
    sessionStorage.setItem(KEY, threadId);
  } else {
    url.searchParams.delete("thread");
    sessionStorage.removeItem(KEY);
  }
  history.replaceState(null, "", url);
}
