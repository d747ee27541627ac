/**
 * The runs resource on the wire (`/api/runs`, `POST /api/crew/stream`): the run record a client
 * reads, the bodies it sends and the answers it gets. The server builds its answers from these
 * types and the client reads them back with the same schemas, so the two cannot drift apart.
 * Answer schemas are plain (not strict) objects: a client ignores fields a newer server adds.
 */
import { z } from "zod";
import { errorInfoSchema, inputsSchema } from "./protocol.js";
import { runSummarySchema } from "./run-summary.js";
import { threadIdSchema } from "./thread-id.js";

/** Status of a run. `queued` runs wait for a free slot under the concurrency cap. */
export const runStatusSchema = z.enum(["queued", "running", "completed", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** True for statuses after which a run never changes again. */
export function isFinished(status: RunStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/** A run's status row: what the store keeps and `GET /api/runs` lists. */
export const runRecordSchema = z.object({
  id: z.string(),
  /** The crew's name. */
  crew: z.string(),
  status: runStatusSchema,
  inputs: inputsSchema,
  /** ISO-8601 timestamps. */
  createdAt: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** `seq` of the last durable event (0 when none). */
  lastSeq: z.number().int().nonnegative(),
  /** Final output, when completed. */
  result: z.string().optional(),
  /** Why it failed or was cancelled. */
  error: errorInfoSchema.optional(),
  /** Where the run was started from: "cli", "http", "ws", "chat", "web". */
  source: z.string().optional(),
  /** The batch the run belongs to (`POST /api/runs` with a list of inputs). */
  batchId: z.string().optional(),
  /** The run's time limit in ms, when it has one. */
  timeoutMs: z.number().int().positive().optional(),
  /** The thread (conversation) the run is a turn of. */
  threadId: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A page of runs, newest first (`GET /api/runs`). */
export const runPageSchema = z.object({
  runs: z.array(runRecordSchema),
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  nextCursor: z.string().optional(),
});
export type RunPage = z.infer<typeof runPageSchema>;

/** A run with its progress by agent and task (`GET /api/runs/:id`). */
export const runDetailsSchema = runRecordSchema.extend({
  /** The run summary: per agent and per task status, steps, tokens, duration. */
  summary: runSummarySchema,
});
export type RunDetails = z.infer<typeof runDetailsSchema>;

/** A run id in a path or a message: unknown ids are answered `run_not_found`, absurd ones refused. */
export const runIdSchema = z.string().min(1, "runId must be a non-empty string").max(200);

/**
 * A crew name: a folder name inside the crews folder. Slashes, backslashes and leading dots are
 * refused so a name can never walk out of the configured folders.
 */
export const crewNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "crew must be a crew folder name: letters, digits, '.', '_' or '-', no slashes, not starting with a dot",
  );

/** What happens to a run when the stream that started it closes. */
export const onDisconnectSchema = z.enum(["continue", "cancel"]);

/** Body of `POST /api/crew/stream` and `POST /api/runs`. */
export const startRunBodySchema = z.strictObject({
  /** Crew name; the server's default crew when absent. */
  crew: crewNameSchema.optional(),
  inputs: inputsSchema.default({}),
  /** "cancel" ends the run when the stream that started it closes; default "continue". */
  onDisconnect: onDisconnectSchema.optional(),
  /** Longest the run may take, in ms; past it the run fails with code `timeout`. */
  timeoutMs: z.number().int().positive().optional(),
  /** The thread the run is a turn of: it sees the conversation so far (created when new). */
  threadId: threadIdSchema.optional(),
});
/** A start-run body as a client sends it (`inputs` may be left out). */
export type StartRunBody = z.input<typeof startRunBodySchema>;

/**
 * Body of `POST /api/runs`: one run, or with a list of inputs a batch (CrewAI's
 * `kickoff_for_each`), one run per item.
 */
export const startRunsBodySchema = startRunBodySchema.extend({
  inputs: z
    .union([
      inputsSchema,
      z
        .array(inputsSchema)
        .min(1, "a batch needs at least one item")
        .max(1000, "a batch may have at most 1000 items"),
    ])
    .default({}),
});
export type StartRunsBody = z.input<typeof startRunsBodySchema>;

/** Answer of `POST /api/runs` for a batch (status 202): the run ids in the order of the inputs. */
export const batchStartedSchema = z.object({
  batchId: z.string(),
  runIds: z.array(z.string()),
});
export type BatchStarted = z.infer<typeof batchStartedSchema>;

/** Answer of `GET /api/batches/:id`: the batch's runs and their status, in input order. */
export const batchStatusSchema = z.object({
  batchId: z.string(),
  runs: z.array(z.object({ runId: z.string(), status: runStatusSchema })),
});
export type BatchStatusBody = z.infer<typeof batchStatusSchema>;

/** Answer of `POST /api/runs` (status 202). */
export const runStartedSchema = z.object({
  runId: z.string(),
  status: runStatusSchema,
});
export type RunStarted = z.infer<typeof runStartedSchema>;

/** Body of `POST /api/runs/:id/input`: the answer to an `input.request`. */
export const inputBodySchema = z.strictObject({
  requestId: z.string().min(1, "requestId must name the input.request being answered"),
  text: z.string().max(100_000, "text must be at most 100000 characters"),
});
export type InputBody = z.infer<typeof inputBodySchema>;

/** Answer of `POST /api/runs/:id/input`. */
export const inputAcceptedSchema = z.object({
  ok: z.literal(true),
  runId: z.string(),
  requestId: z.string(),
});
export type InputAccepted = z.infer<typeof inputAcceptedSchema>;

/** Query of `GET /api/runs`; every value arrives as a string and is checked here. */
export const listRunsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, "limit must be a positive integer")
    .transform(Number)
    .pipe(z.number().int().min(1, "limit must be at least 1").max(500, "limit must be at most 500"))
    .optional(),
  before: z.string().min(1).max(500).optional(),
  status: runStatusSchema.optional(),
});
/** What a client may ask `GET /api/runs` for: at most `limit` runs, older than `before`, of one status. */
export type ListRunsQuery = z.output<typeof listRunsQuerySchema>;
