/** The conversations for the sidebar, refreshed on demand. */
import { useCallback, useEffect, useState } from "react";
import type { ThreadRecord } from "../../../src/client/index.js";
import { useCrewClient } from "../client-context.js";

/** Threads (most recently active first), an error if the last refresh failed, and a refresh function. */
export function useThreads(): { threads: ThreadRecord[]; error?: string; refresh: () => void } {
  const client = useCrewClient();
  const [threads, setThreads] = useState<ThreadRecord[]>([]);
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    client
      .listThreads({ limit: 50 })
      .then((page) => {
        setThreads(page.threads);
        setError(undefined);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [client]);
  useEffect(() => refresh(), [refresh]);
  return error === undefined ? { threads, refresh } : { threads, error, refresh };
}
