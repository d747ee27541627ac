/** Zod schemas of the HTTP API's request bodies and query strings. */
import { z } from "zod";
import { inputsSchema } from "../events/index.js";

/**
 * A crew name: a folder name inside the crews folder. Slashes, backslashes and leading dots are
 * refused here so a name can never walk out of the configured folders.
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
  crew: crewNameSchema.optional(),
  inputs: inputsSchema.default({}),
  onDisconnect: onDisconnectSchema.optional(),
});
export type StartRunBody = z.output<typeof startRunBodySchema>;

/** Body of `POST /api/runs/:id/input`. */
export const inputBodySchema = z.strictObject({
  requestId: z.string().min(1, "requestId must name the input.request being answered"),
  text: z.string().max(100_000, "text must be at most 100000 characters"),
});

/** Run statuses accepted by `GET /api/runs?status=`. */
export const runStatusSchema = z.enum(["queued", "running", "completed", "failed", "cancelled"]);

/** Query of `GET /api/runs`. */
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

/** A run id in a path: anything else is answered 404 by the run manager, but not absurd input. */
export const runIdSchema = z.string().min(1).max(200);
