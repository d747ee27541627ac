/** How a {@link RunRecord} is laid out in its Redis hash: flat fields, objects as JSON. */
import type { ErrorInfo, Inputs } from "../events/index.js";
import type { NewRun, RunRecord, RunStatus, StatusPatch } from "../store/index.js";

/** Hash fields of a new run (without `ord` and `lastSeq`, which the create script sets). */
export function newRunFields(run: NewRun, createdAt: string): string[] {
  return [
    "id",
    run.id,
    "crew",
    run.crew,
    "status",
    run.status,
    "inputs",
    JSON.stringify(run.inputs),
    "createdAt",
    createdAt,
    ...(run.source === undefined ? [] : ["source", run.source]),
    ...(run.batchId === undefined ? [] : ["batchId", run.batchId]),
    ...(run.timeoutMs === undefined ? [] : ["timeoutMs", String(run.timeoutMs)]),
    ...(run.threadId === undefined ? [] : ["threadId", run.threadId]),
  ];
}

/** Hash field/value pairs of a status patch. */
export function patchFields(patch: StatusPatch): string[] {
  const fields: string[] = [];
  if (patch.status !== undefined) fields.push("status", patch.status);
  if (patch.startedAt !== undefined) fields.push("startedAt", patch.startedAt);
  if (patch.endedAt !== undefined) fields.push("endedAt", patch.endedAt);
  if (patch.result !== undefined) fields.push("result", patch.result);
  if (patch.error !== undefined) fields.push("error", JSON.stringify(patch.error));
  return fields;
}

/** The record in a hash, or undefined for an empty (missing) hash. */
export function parseRecord(hash: Record<string, string>): RunRecord | undefined {
  if (hash.id === undefined) return undefined;
  const record: RunRecord = {
    id: hash.id,
    crew: hash.crew ?? "",
    status: (hash.status ?? "queued") as RunStatus,
    inputs: JSON.parse(hash.inputs ?? "{}") as Inputs,
    createdAt: hash.createdAt ?? new Date(0).toISOString(),
    lastSeq: Number(hash.lastSeq ?? 0),
  };
  if (hash.startedAt !== undefined) record.startedAt = hash.startedAt;
  if (hash.endedAt !== undefined) record.endedAt = hash.endedAt;
  if (hash.result !== undefined) record.result = hash.result;
  if (hash.error !== undefined) record.error = JSON.parse(hash.error) as ErrorInfo;
  if (hash.source !== undefined) record.source = hash.source;
  if (hash.batchId !== undefined) record.batchId = hash.batchId;
  if (hash.timeoutMs !== undefined) record.timeoutMs = Number(hash.timeoutMs);
  if (hash.threadId !== undefined) record.threadId = hash.threadId;
  return record;
}

/** Turns the flat `[field, value, ...]` reply of HGETALL in a pipeline into an object. */
export function toHash(reply: unknown): Record<string, string> {
  if (!Array.isArray(reply)) return (reply ?? {}) as Record<string, string>;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) hash[String(reply[i])] = String(reply[i + 1]);
  return hash;
}
