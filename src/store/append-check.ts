/**
 * Rules shared by every {@link RunStore} implementation: which appends are accepted and how
 * `run.start` / `run.end` events change a run's status row.
 */
import { CrewError, ErrorCode, type CrewEvent } from "../events/index.js";
import type { RunRecord } from "./run-store.js";

/** The part of a run's state an append is checked against. */
export interface AppendState {
  id: string;
  lastSeq: number;
  /** True once a `run.end` is in the log: nothing may follow it. */
  ended: boolean;
}

/**
 * Throws a `conflict` {@link CrewError} unless `events` continue the run's log: same `runId`,
 * `seq` gapless from `lastSeq + 1`, nothing after `run.end`.
 */
export function checkAppend(state: AppendState, events: readonly CrewEvent[]): void {
  let expected = state.lastSeq + 1;
  let ended = state.ended;
  for (const event of events) {
    if (event.runId !== state.id) {
      throw new CrewError(
        ErrorCode.CONFLICT,
        `Event seq ${event.seq} belongs to run "${event.runId}", not to run "${state.id}".`,
      );
    }
    if (ended) {
      throw new CrewError(
        ErrorCode.CONFLICT,
        `Run "${state.id}" has ended; event seq ${event.seq} cannot follow run.end.`,
      );
    }
    if (event.seq !== expected) {
      throw new CrewError(
        ErrorCode.CONFLICT,
        `Run "${state.id}" expects seq ${expected} next but got ${event.seq}; the log must stay gapless.`,
      );
    }
    expected += 1;
    if (event.type === "run.end") ended = true;
  }
}

/** The status fields a run's row takes after `events` are appended. */
export type StatusPatch = Partial<
  Pick<RunRecord, "status" | "startedAt" | "endedAt" | "result" | "error">
>;

/**
 * The status-row changes carried by `events`: `run.start` marks the run running (keeping an
 * earlier `startedAt`), `run.end` sets the final status, `endedAt`, `result` and `error`.
 */
export function statusPatch(
  record: Pick<RunRecord, "startedAt">,
  events: readonly CrewEvent[],
): StatusPatch {
  const patch: StatusPatch = {};
  for (const event of events) {
    if (event.type === "run.start") {
      patch.status = "running";
      if (record.startedAt === undefined && patch.startedAt === undefined)
        patch.startedAt = event.ts;
    } else if (event.type === "run.end") {
      patch.status = event.status;
      patch.endedAt = event.ts;
      if (event.result !== undefined) patch.result = event.result;
      if (event.error !== undefined) patch.error = event.error;
    }
  }
  return patch;
}

/** True for the statuses a run never leaves. */
export function isFinished(status: RunRecord["status"]): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/** Default page size of `listRuns`. */
const DEFAULT_PAGE_SIZE = 50;

/** Parses a `before` cursor (a run's insertion order number). */
export function parsePageCursor(before: string | undefined): number {
  if (before === undefined) return Number.MAX_SAFE_INTEGER;
  const n = Number(before);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `"${before}" is not a run page cursor; pass a nextCursor from an earlier page.`,
    );
  }
  return n;
}

/** Validates a page size: an integer from 1 to 1000. */
export function pageLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `limit must be an integer from 1 to 1000, got ${n}.`,
    );
  }
  return n;
}
