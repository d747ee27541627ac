/** Recent runs for the sidebar, refreshed on demand and every few seconds while any runs. */
import { useCallback, useEffect, useState } from "react";
import type { RunRecord } from "../../../src/client/index.js";
import { useCrewClient } from "../client-context.js";

const POLL_MS = 4_000;

/** Runs (newest first), an error if the last refresh failed, and a refresh function. */
export function useRunHistory(): { runs: RunRecord[]; error?: string; refresh: () => void } {
  const client = useCrewClient();
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    client
      .listRuns({ limit: 50 })
      .then((page) => {
        setRuns(page.runs);
        setError(undefined);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [client]);
  const anyActive = runs.some((r) => r.status === "running" || r.status === "queued");
  useEffect(() => {
    refresh();
    if (!anyActive) return;
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [refresh, anyActive]);
  return error === undefined ? { runs, refresh } : { runs, error, refresh };
}
