/**
 * What model calls cost: a price table in US dollars per million tokens, keyed by model string
 * as written (`openai/gpt-4o-mini`), and the cost of one call from its usage.
 *
 * The table ships here, dated, with its sources. `CREWSTREAM_PRICES`
 * names a JSON file that overrides or adds entries; prices change, and that file is how an
 * operator keeps them current without a release.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { CrewError, ErrorCode, type Usage } from "../events/index.js";

/** The price of a model: US dollars per million input and output tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** A price table: model string as written -> price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The environment variable naming a JSON file of prices that override or add to the table. */
const PRICES_ENV = "CREWSTREAM_PRICES";

/**
 * List prices (standard tier, no caching or batch discount) from the providers' pricing pages:
 * https://openai.com/api/pricing and https://www.anthropic.com/pricing, as published in
 * mid-2025; `CREWSTREAM_PRICES` corrects or adds prices. `offline` is the built-in model,
 * which is free.
 */
const BUILT_IN_PRICES: PriceTable = Object.freeze({
  offline: { input: 0, output: 0 },
  "openai/gpt-4o": { input: 2.5, output: 10 },
  "openai/gpt-4o-mini": { input: 0.15, output: 0.6 },
  "openai/gpt-4.1": { input: 2, output: 8 },
  "openai/gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "openai/gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "openai/gpt-5": { input: 1.25, output: 10 },
  "openai/gpt-5-mini": { input: 0.25, output: 2 },
  "openai/gpt-5-nano": { input: 0.05, output: 0.4 },
  "openai/o3": { input: 2, output: 8 },
  "openai/o3-mini": { input: 1.1, output: 4.4 },
  "openai/o4-mini": { input: 1.1, output: 4.4 },
  "anthropic/claude-opus-4-1": { input: 15, output: 75 },
  "anthropic/claude-opus-4-0": { input: 15, output: 75 },
  "anthropic/claude-sonnet-4-0": { input: 3, output: 15 },
  "anthropic/claude-3-7-sonnet-latest": { input: 3, output: 15 },
  "anthropic/claude-3-5-sonnet-latest": { input: 3, output: 15 },
  "anthropic/claude-3-5-haiku-latest": { input: 0.8, output: 4 },
  "anthropic/claude-3-haiku-20240307": { input: 0.25, output: 1.25 },
});

const priceFileSchema = z.record(
  z.string(),
  z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
);

let loaded: { path: string | undefined; table: PriceTable } | undefined;

/**
 * The built-in table with the entries of the `CREWSTREAM_PRICES` file on top. The file is read
 * once per process (and again if the variable changes); a missing or malformed file is a
 * `bad_request` naming it.
 */
export function priceTable(env: NodeJS.ProcessEnv = process.env): PriceTable {
  const path = env[PRICES_ENV]?.trim() || undefined;
  if (loaded !== undefined && loaded.path === path) return loaded.table;
  let table: PriceTable = BUILT_IN_PRICES;
  if (path !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `${PRICES_ENV}=${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}.`,
        { cause: error },
      );
    }
    const file = priceFileSchema.safeParse(parsed);
    if (!file.success) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `${PRICES_ENV}=${path} must map model strings to { "input": <USD per million tokens>, "output": <USD per million tokens> }.`,
      );
    }
    table = Object.freeze({ ...BUILT_IN_PRICES, ...file.data });
  }
  loaded = { path, table };
  return table;
}

/**
 * The price of a model string. An OpenRouter model (`openrouter/<vendor>/<model>`) without an
 * entry of its own is priced as the vendor's model, which OpenRouter passes on at list price.
 */
export function priceOf(model: string, table: PriceTable = priceTable()): ModelPrice | undefined {
  const own = table[model];
  if (own !== undefined) return own;
  if (model.startsWith("openrouter/")) return table[model.slice("openrouter/".length)];
  return undefined;
}

/** What a call with `usage` costs in US dollars, or undefined when the model's price is unknown. */
export function costOf(
  model: string,
  usage: Usage,
  table: PriceTable = priceTable(),
): number | undefined {
  const price = priceOf(model, table);
  if (price === undefined) return undefined;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
