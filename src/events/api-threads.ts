/**
 * Threads on the wire (`/api/threads`): a thread is an ordered list of runs, one per turn of a
 * conversation. The server builds its answers from these schemas and the client reads them back
 * with the same ones.
 */
import { z } from "zod";
import { runRecordSchema } from "./api-runs.js";

/** A thread's row: what `GET /api/threads` lists. */
export const threadRecordSchema = z.object({
  threadId: z.string(),
  /** The first message of the thread, or what it was renamed to. */
  title: z.string(),
  /** ISO-8601: when its first run was created. */
  createdAt: z.string(),
  /** ISO-8601: when its last run was created. */
  updatedAt: z.string(),
  /** Number of runs (turns) in the thread. */
  runCount: z.number().int().nonnegative(),
});
export type ThreadRecord = z.infer<typeof threadRecordSchema>;

/** A page of threads, most recently active first (`GET /api/threads`). */
export const threadPageSchema = z.object({
  threads: z.array(threadRecordSchema),
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  nextCursor: z.string().optional(),
});
export type ThreadPage = z.infer<typeof threadPageSchema>;

/** One thread with its runs, oldest first (`GET /api/threads/:id`). */
export const threadDetailsSchema = threadRecordSchema.extend({
  runs: z.array(runRecordSchema),
});
export type ThreadDetails = z.infer<typeof threadDetailsSchema>;

/** Body of `PATCH /api/threads/:id`. */
export const renameThreadBodySchema = z.strictObject({
  title: z
    .string()
    .trim()
    .min(1, "title must not be empty")
    .max(200, "title must be at most 200 characters"),
});
export type RenameThreadBody = z.infer<typeof renameThreadBodySchema>;

/** Answer of `DELETE /api/threads/:id`: how much was deleted. */
export const threadDeletedSchema = z.object({
  threadId: z.string(),
  /** Runs deleted with the thread (their events went with them). */
  deletedRuns: z.number().int().nonnegative(),
  /** Events deleted with those runs. */
  deletedEvents: z.number().int().nonnegative(),
});
export type ThreadDeleted = z.infer<typeof threadDeletedSchema>;

/** Answer of `POST /api/chat/:id/cancel`: the chat's (thread's) runs that were cancelled. */
export const chatCancelledSchema = z.object({
  threadId: z.string(),
  /** Runs that were cancelled (none when nothing was active). */
  cancelled: z.array(z.string()),
});
export type ChatCancelled = z.infer<typeof chatCancelledSchema>;

/** Query of `GET /api/threads`. */
export const listThreadsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, "limit must be a positive integer")
    .transform(Number)
    .pipe(z.number().int().min(1, "limit must be at least 1").max(500, "limit must be at most 500"))
    .optional(),
  before: z.string().min(1).max(500).optional(),
});
export type ListThreadsQuery = z.output<typeof listThreadsQuerySchema>;

/**
 * The title a thread gets from its first run's inputs: the first line of the first non-empty
 * text input, cut to 80 characters.
 */
export function threadTitleFrom(inputs: Record<string, unknown>): string {
  for (const value of Object.values(inputs)) {
    if (typeof value !== "string") continue;
    const line = value
      .split(/\r?\n/)
      .find((l) => l.trim() !== "")
      ?.trim();
    if (line !== undefined) return line.length > 80 ? `${line.slice(0, 79)}…` : line;
  }
  return "New thread";
}
