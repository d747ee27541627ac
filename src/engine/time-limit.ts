/**
 * Sub-runs with their own end: a task under its agent's `max_execution_time`, a group of
 * parallel tasks whose first failure stops the others. Each gets a context whose signal aborts
 * with the run's, or earlier for its own reason; model calls and human input waits started
 * with that context end with it.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { RunContext } from "./run-context.js";

/** A context that can be stopped on its own, and stops with the run. */
export interface ChildContext {
  ctx: RunContext;
  /** Aborts the child's work with `reason`. */
  abort(reason: CrewError): void;
  /** The reason given to `abort`, when this child (not the run) was stopped. */
  readonly reason: CrewError | undefined;
  /** Detaches from the run's signal. */
  dispose(): void;
}

/** A child of `ctx` (see {@link ChildContext}). */
export function childContext(ctx: RunContext): ChildContext {
  const controller = new AbortController();
  let reason: CrewError | undefined;
  const onAbort = (): void => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAbort();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  return {
    ctx: { ...ctx, signal: controller.signal },
    abort(why) {
      if (controller.signal.aborted) return;
      reason = why;
      controller.abort(why);
    },
    get reason() {
      return reason;
    },
    dispose: () => ctx.signal.removeEventListener("abort", onAbort),
  };
}

/**
 * Runs `work` with a context that ends after `limitMs`; it then fails with CrewError `timeout`
 * carrying `message` (which names the limit), whatever error the cut-short work threw.
 */
export async function withTimeLimit<T>(
  ctx: RunContext,
  limitMs: number | undefined,
  message: string,
  work: (ctx: RunContext) => Promise<T>,
): Promise<T> {
  if (limitMs === undefined) return work(ctx);
  const child = childContext(ctx);
  const timer = setTimeout(() => child.abort(new CrewError(ErrorCode.TIMEOUT, message)), limitMs);
  try {
    return await work(child.ctx);
  } catch (error) {
    throw child.reason ?? error;
  } finally {
    clearTimeout(timer);
    child.dispose();
  }
}
