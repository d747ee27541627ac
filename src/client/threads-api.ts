/**
 * One function per threads API call (`/api/threads`): list, read, rename, delete. Every failure
 * is a CrewError with the server's code and message.
 */
import {
  threadDeletedSchema,
  threadDetailsSchema,
  threadPageSchema,
  threadRecordSchema,
} from "../events/index.js";
import type {
  ListThreadsQuery,
  ThreadDeleted,
  ThreadDetails,
  ThreadPage,
  ThreadRecord,
} from "../events/index.js";
import { apiJson } from "./http.js";
import type { CallOptions } from "./runs-api.js";

const threadPath = (id: string): string => `/api/threads/${encodeURIComponent(id)}`;

/** Threads, most recently active first (`GET /api/threads`). */
export async function listThreads(
  query: ListThreadsQuery = {},
  options: CallOptions = {},
): Promise<ThreadPage> {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.before !== undefined) params.set("before", query.before);
  const search = params.size > 0 ? `?${params.toString()}` : "";
  return apiJson(options, `/api/threads${search}`, threadPageSchema, { signal: options.signal });
}

/** A thread with its runs, oldest first (`GET /api/threads/:id`); throws `not_found`. */
export async function getThread(id: string, options: CallOptions = {}): Promise<ThreadDetails> {
  return apiJson(options, threadPath(id), threadDetailsSchema, { signal: options.signal });
}

/** Renames a thread (`PATCH /api/threads/:id`). */
export async function renameThread(
  id: string,
  title: string,
  options: CallOptions = {},
): Promise<ThreadRecord> {
  return apiJson(options, threadPath(id), threadRecordSchema, {
    method: "PATCH",
    body: { title },
    signal: options.signal,
  });
}

/** Deletes a thread with its runs and events (`DELETE /api/threads/:id`), saying how many. */
export async function deleteThread(id: string, options: CallOptions = {}): Promise<ThreadDeleted> {
  return apiJson(options, threadPath(id), threadDeletedSchema, {
    method: "DELETE",
    signal: options.signal,
  });
}
