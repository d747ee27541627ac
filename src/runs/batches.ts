/**
 * Batches (CrewAI's `kickoff_for_each`) for both run services: every item is checked before
 * any run exists, then one run per item is started with a shared batch id.
 */
import { randomUUID } from "node:crypto";
import { CrewError, ErrorCode, toCrewError } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";
import { checkStart } from "./check-start.js";
import type { ResolveRunner } from "./crew-runner.js";
import type {
  BatchStatus,
  StartBatchRequest,
  StartedBatch,
  StartRunRequest,
} from "./run-service.js";

/** Most items in one batch. */
const MAX_BATCH_ITEMS = 1000;

/** Checks every item, then starts them in order through `start`. */
export async function startBatch(
  request: StartBatchRequest,
  resolveRunner: ResolveRunner,
  start: (request: StartRunRequest) => Promise<RunRecord>,
): Promise<StartedBatch> {
  const { inputs, ...shared } = request;
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new CrewError(ErrorCode.BAD_REQUEST, "A batch needs a non-empty list of inputs.");
  if (inputs.length > MAX_BATCH_ITEMS)
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `A batch may have at most ${MAX_BATCH_ITEMS} items (got ${inputs.length}).`,
    );
  for (const [index, item] of inputs.entries()) {
    try {
      await checkStart({ ...shared, inputs: item }, resolveRunner);
    } catch (error) {
      const crewError = toCrewError(error);
      throw new CrewError(crewError.code, `Batch item ${index + 1}: ${crewError.message}`);
    }
  }
  const batchId = randomUUID();
  const runs: RunRecord[] = [];
  for (const item of inputs) runs.push(await start({ ...shared, inputs: item, batchId }));
  return { batchId, runs };
}

/** The batch's runs as the store has them, or undefined for an unknown batch. */
export async function batchStatus(
  store: RunStore,
  batchId: string,
): Promise<BatchStatus | undefined> {
  const runs = await store.listBatch(batchId);
  if (runs.length === 0) return undefined;
  return { batchId, runs: runs.map((run) => ({ runId: run.id, status: run.status })) };
}
