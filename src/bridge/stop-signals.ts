/** Why a process crew's run must stop early: its signal aborted, or it ran past its time limit. */

/** The reason a run stops before its program ends. */
export type StopReason = "cancelled" | "timeout";

/** A promise that answers why the run must stop (abort or time limit), and a way to stop listening. */
export function stopSignals(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): { stopped: Promise<StopReason>; dispose: () => void } {
  let dispose = (): void => undefined;
  const stopped = new Promise<StopReason>((resolve) => {
    const onAbort = (): void => resolve("cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      timeoutMs === undefined ? undefined : setTimeout(() => resolve("timeout"), timeoutMs);
    dispose = () => {
      signal?.removeEventListener("abort", onAbort);
      clearTimeout(timer);
    };
  });
  return { stopped, dispose };
}
