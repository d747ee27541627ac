/**
 * How long to wait before trying again: model-call retries and client reconnects both use it,
 * so a burst of failures never makes many callers retry in lockstep.
 */

/**
 * The delay before retry `attempt` (1-based): `baseDelayMs` doubled per attempt, capped at
 * `maxDelayMs`, with "equal jitter" (half of it fixed, half random).
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
