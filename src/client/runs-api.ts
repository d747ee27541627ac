/**
 * One function per HTTP API call that is not a stream: crews, runs, cancel, human input.
 * Every failure is a CrewError with the server's code and message.
 */
import {
  batchStartedSchema,
  batchStatusSchema,
  crewListingsSchema,
  runDetailsSchema,
  runPageSchema,
  runStartedSchema,
} from "../events/index.js";
import type {
  BatchStarted,
  BatchStatusBody,
  CrewListing,
  ListRunsQuery,
  RunDetails,
  RunPage,
  InputBody,
  RunStarted,
  StartRunBody,
} from "../events/index.js";
import { apiFetch, apiJson } from "./http.js";
import type { ConnectionOptions } from "./http.js";

/** Options with an optional abort signal. */
export type CallOptions = ConnectionOptions & { signal?: AbortSignal };

const runPath = (runId: string): string => `/api/runs/${encodeURIComponent(runId)}`;

/** The crews the server can run (`GET /api/crews`). */
export async function listCrews(options: CallOptions = {}): Promise<CrewListing[]> {
  const body = await apiJson(options, "/api/crews", crewListingsSchema, {
    signal: options.signal,
  });
  return body.crews;
}

/** Recent runs, newest first (`GET /api/runs`). */
export async function listRuns(
  query: ListRunsQuery = {},
  options: CallOptions = {},
): Promise<RunPage> {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.before !== undefined) params.set("before", query.before);
  if (query.status !== undefined) params.set("status", query.status);
  const search = params.size > 0 ? `?${params.toString()}` : "";
  return apiJson(options, `/api/runs${search}`, runPageSchema, { signal: options.signal });
}

/** A run's status, result and summary (`GET /api/runs/:id`); throws `run_not_found`. */
export async function getRun(runId: string, options: CallOptions = {}): Promise<RunDetails> {
  return apiJson(options, runPath(runId), runDetailsSchema, { signal: options.signal });
}

/** Starts a run in the background (`POST /api/runs`) and answers its id and status. */
export async function startRun(
  request: StartRunBody,
  options: CallOptions = {},
): Promise<RunStarted> {
  return apiJson(options, "/api/runs", runStartedSchema, {
    method: "POST",
    body: request,
    signal: options.signal,
  });
}

/**
 * Starts a batch (CrewAI's `kickoff_for_each`, `POST /api/runs` with a list of inputs): one
 * run per item, queued under the server's concurrency cap. Answers the batch id and the run
 * ids in the order of the inputs.
 */
export async function startBatch(
  request: Omit<StartRunBody, "inputs"> & { inputs: NonNullable<StartRunBody["inputs"]>[] },
  options: CallOptions = {},
): Promise<BatchStarted> {
  return apiJson(options, "/api/runs", batchStartedSchema, {
    method: "POST",
    body: request,
    signal: options.signal,
  });
}

/** The runs of a batch and their status (`GET /api/batches/:id`); throws `not_found`. */
export async function getBatch(
  batchId: string,
  options: CallOptions = {},
): Promise<BatchStatusBody> {
  return apiJson(options, `/api/batches/${encodeURIComponent(batchId)}`, batchStatusSchema, {
    signal: options.signal,
  });
}

/**
 * Cancels a run (`POST /api/runs/:id/cancel`): its model calls stop and it ends with
 * `run.end` status cancelled. Cancelling a run that already ended is answered by the server
 * (409 `conflict`), which this throws.
 */
export async function cancel(runId: string, options: CallOptions = {}): Promise<void> {
  const response = await apiFetch(options, `${runPath(runId)}/cancel`, {
    method: "POST",
    body: {},
    signal: options.signal,
  });
  // Read the small answer to its end: cancelling the body instead makes browsers log the
  // request as failed (net::ERR_ABORTED) although it succeeded.
  await response.arrayBuffer();
}

/** Answers an `input.request` of a waiting run (`POST /api/runs/:id/input`). Empty text accepts as is. */
export async function answer(
  runId: string,
  requestId: string,
  text: string,
  options: CallOptions = {},
): Promise<void> {
  const response = await apiFetch(options, `${runPath(runId)}/input`, {
    method: "POST",
    body: { requestId, text } satisfies InputBody,
    signal: options.signal,
  });
  // Read the small answer to its end: cancelling the body instead makes browsers log the
  // request as failed (net::ERR_ABORTED) although it succeeded.
  await response.arrayBuffer();
}
