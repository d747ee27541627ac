/** Elapsed time since `since`, ticking every second until `durationMs` is known. */
import { useEffect, useState } from "react";

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 100) / 10);
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${Math.round(seconds % 60)}s`;
}

export function ElapsedTime({
  since,
  durationMs,
  live,
}: {
  since?: string;
  durationMs?: number;
  live: boolean;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live || durationMs !== undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live, durationMs]);
  if (durationMs !== undefined)
    return <span className="elapsed">{formatDuration(durationMs)}</span>;
  if (!since || !live) return null;
  return <span className="elapsed">{formatDuration(now - Date.parse(since))}</span>;
}
