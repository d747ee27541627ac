/**
 * The run shown on the page lives in the URL (`?run=<id>`) and in sessionStorage, so a reload
 * during a run re-attaches to it and a finished run can be linked to.
 */

const KEY = "crewstream.run";

/** The run to open on load: `?run=` wins over the session's last run. */
export function initialRunId(): string | undefined {
  const fromUrl = new URLSearchParams(location.search).get("run");
  return fromUrl ?? sessionStorage.getItem(KEY) ?? undefined;
}

/** Remembers the shown run (or forgets it with undefined). */
export function rememberRun(runId: string | undefined): void {
  const url = new URL(location.href);
  if (runId) {
    url.searchParams.set("run", runId);
    sessionStorage.setItem(KEY, runId);
  } else {
    url.searchParams.delete("run");
    sessionStorage.removeItem(KEY);
  }
  history.replaceState(null, "", url);
}
