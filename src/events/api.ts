/**
 * Answers every part of the HTTP API shares: the error body and the health check. The runs and
 * crews resources are in `api-runs.ts` and `api-crews.ts`.
 */
import { z } from "zod";
import { errorInfoSchema } from "./protocol.js";

/** The JSON body of every error response, with the HTTP status of its code. */
export const errorBodySchema = z.object({ error: errorInfoSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Answer of `GET /api/health`. */
export const healthSchema = z.object({
  /** False while a part the server needs is failing (answered with 503). */
  ok: z.boolean(),
  name: z.literal("crewstream"),
  /** The server's package version. */
  version: z.string(),
  /** The run store's health, when the server tracks it: `degraded` while its writes fail. */
  store: z
    .object({
      status: z.enum(["ok", "degraded"]),
      /** Runs whose end could not be written yet. */
      failingRuns: z.number().int().nonnegative(),
      /** Why writes fail, while degraded. */
      error: errorInfoSchema.optional(),
    })
    .optional(),
});
export type Health = z.infer<typeof healthSchema>;
