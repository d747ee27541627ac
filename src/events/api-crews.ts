/**
 * The crews resource on the wire (`GET /api/crews`). A crew has one listed shape,
 * {@link CrewListing}; what a crew is made of ({@link CrewOutline}) is the part the engine can
 * tell about itself, without the catalog's default, kind and load error.
 */
import { z } from "zod";
import { crewWarningSchema, errorInfoSchema, processSchema } from "./protocol.js";

/** What a crew is made of: enough for a UI to show and start it. */
export const crewOutlineSchema = z.object({
  /** The crew's name; what run requests use. */
  name: z.string(),
  process: processSchema,
  agents: z.array(z.object({ key: z.string(), role: z.string() })),
  tasks: z.array(z.object({ key: z.string(), agent: z.string().optional() })),
  /** Names of the inputs a run must give: `{placeholders}` without a default, in order of first use. */
  inputs: z.array(z.string()),
});
export type CrewOutline = z.infer<typeof crewOutlineSchema>;

/** One crew as `GET /api/crews` lists it. */
export const crewListingSchema = crewOutlineSchema.extend({
  /** True for the crew used when a run names none. */
  default: z.boolean(),
  /** `crew` runs on the engine; `process` runs crew.yaml's `command` through the bridge. */
  kind: z.enum(["crew", "process"]).optional(),
  /** Why the crew cannot be loaded; such a crew is listed so that the problem is visible. */
  error: errorInfoSchema.optional(),
  /** Keys of the crew's files accepted without effect, or unknown (as `run.start` carries them). */
  warnings: z.array(crewWarningSchema).optional(),
});
export type CrewListing = z.infer<typeof crewListingSchema>;

/** Answer of `GET /api/crews`, sorted by name. */
export const crewListingsSchema = z.object({ crews: z.array(crewListingSchema) });
export type CrewListings = z.infer<typeof crewListingsSchema>;
