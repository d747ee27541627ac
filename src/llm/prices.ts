/**
 * What model calls cost: prices in US dollars per million tokens, keyed by model string as
 * written (`openai/gpt-4o-mini`), and the cost of one call from its usage.
 *
 * Provider prices come from `@pydantic/genai-prices`, a maintained table of providers' list
 * prices, pinned in package.json (its release dates the prices). `CREWSTREAM_PRICES` names a
 * JSON file that overrides or adds entries; prices change, and that file is how an operator
 * keeps them current without a release.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as GenaiPricesModule from "@pydantic/genai-prices";
import { z } from "zod";
import { CrewError, ErrorCode, type Usage } from "../events/index.js";
import { MODEL_PROVIDER_BY_PREFIX } from "./model-providers.js";

/** The price of a model: US dollars per million input and output tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** A price table: model string as written -> price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The environment variable naming a JSON file of prices that override or add to the table. */
const PRICES_ENV = "CREWSTREAM_PRICES";

/** Entries of our own: `offline` is the built-in model, which is free. */
const BUILT_IN_PRICES: PriceTable = Object.freeze({
  offline: { input: 0, output: 0 },
});

type GenaiPrices = typeof GenaiPricesModule;
let genaiPrices: GenaiPrices | undefined;
const packagePrices = new Map<string, ModelPrice | undefined>();

/**
 * The package's price of a model string, at its base tier (no caching or batch discount), or
 * undefined for a model it does not know and for local or self-hosted models (`ollama/`,
 * `compatible/`). The package is loaded on the first priced lookup, so runs on the offline
 * model never pay for it.
 */
function packagePrice(model: string): ModelPrice | undefined {
  if (packagePrices.has(model)) return packagePrices.get(model);
  const slash = model.indexOf("/");
  const providerId =
    slash > 0 ? MODEL_PROVIDER_BY_PREFIX.get(model.slice(0, slash))?.pricesId : undefined;
  let price: ModelPrice | undefined;
  if (providerId !== undefined) {
    genaiPrices ??= createRequire(import.meta.url)("@pydantic/genai-prices") as GenaiPrices;
    // A thousand tokens each way stays in the base tier of tiered prices.
    const found = genaiPrices.calcPrice(
      { input_tokens: 1000, output_tokens: 1000 },
      model.slice(slash + 1),
      { providerId },
    );
    if (found !== null) {
      price = { input: perMillion(found.input_price), output: perMillion(found.output_price) };
    }
  }
  packagePrices.set(model, price);
  return price;
}

/** A price for a thousand tokens as a price per million, without float noise. */
function perMillion(perThousand: number): number {
  return Math.round(perThousand * 1000 * 1e9) / 1e9;
}

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
 * The price of a model string: the `CREWSTREAM_PRICES` entry or our own, else the package's.
 * An OpenRouter model (`openrouter/<vendor>/<model>`) without a price of its own is priced as
 * the vendor's model, which OpenRouter passes on at list price.
 */
export function priceOf(model: string, table: PriceTable = priceTable()): ModelPrice | undefined {
  const own = table[model] ?? packagePrice(model);
  if (own !== undefined) return own;
  if (model.startsWith("openrouter/")) return priceOf(model.slice("openrouter/".length), table);
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
