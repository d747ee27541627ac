/**
 * What model calls cost, in US dollars, as the progress model and every view count it: the sum
 * of the calls' `agent.step` `cost`. A call whose model has no known price makes the sum
 * unknown (`null`), never 0; no call at all costs 0. Pure, no Node imports.
 */
import { z } from "zod";

/** A cost in US dollars, or `null` when unknown (some call's model has no known price). */
export const costSchema = z.number().nonnegative().nullable();
export type Cost = z.infer<typeof costSchema>;

/** Adds two costs; unknown if either is. */
export function addCost(a: Cost, b: Cost): Cost {
  return a === null || b === null ? null : a + b;
}

/**
 * A cost for people: `unknown`, `$0` for free, else dollars with enough digits to show a
 * fraction of a cent (`$0.00042`, `$0.0123`, `$1.23`).
 */
export function formatCost(cost: Cost | undefined): string {
  if (cost === null || cost === undefined) return "unknown";
  if (cost === 0) return "$0";
  if (cost >= 1) return `$${cost.toFixed(2)}`;
  return `$${cost.toPrecision(2).replace(/0+$/, "").replace(/\.$/, "")}`;
}
