/**
 * Turns a "provider/model" string into an AI SDK language model. Keys and base URLs come from
 * the environment, so a crew's YAML only names the model.
 */
import type { LanguageModel } from "ai";
import { CrewError, ErrorCode } from "../events/index.js";
import { OFFLINE_PROVIDER, createOfflineModel } from "../offline/index.js";
import { MODEL_PROVIDER_BY_PREFIX, MODEL_PROVIDER_LIST } from "./model-providers.js";

/** A model instance (what {@link resolveModel} returns): any AI SDK `LanguageModel` that is not a string. */
export type ModelInstance = Exclude<LanguageModel, string>;

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /** Where keys and base URLs are read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The provider prefixes a model string may start with, and what each needs (for messages). */
const MODEL_PROVIDERS: Readonly<Record<string, string>> = Object.fromEntries([
  ...MODEL_PROVIDER_LIST.map((provider) => [
    provider.prefix,
    `${provider.example}${provider.keyVars.length === 0 ? "" : ` (${provider.keyVars.join(" or ")})`}`,
  ]),
  ["offline", "offline (built in, no key)"],
]);

/**
 * Models made from strings, by string, with the settings each was made from. A provider's
 * model object holds only its settings (each call makes its own state), and making one costs
 * more than a run's first token should wait for (the AI SDK builds its response schemas), so
 * every run of every agent naming the same model with the same settings shares one.
 */
const made = new Map<string, { reads: [string, string | undefined][]; model: ModelInstance }>();
/** Most models kept; the least recently made goes first. */
const MAX_MADE = 64;

/** The model used when nothing names one and no OPENAI_API_KEY is set. */
const DEFAULT_OPENAI_MODEL = "openai/gpt-4o-mini";

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** The model string used when none is given: CREWSTREAM_MODEL, else openai/gpt-4o-mini with a key, else offline. */
export function defaultModelSpec(env: NodeJS.ProcessEnv = process.env): string {
  return (
    value(env, "CREWSTREAM_MODEL") ??
    (value(env, "OPENAI_API_KEY") ? DEFAULT_OPENAI_MODEL : "offline")
  );
}

function splitSpec(spec: string): { provider: string; model: string } {
  if (/\s/.test(spec) || spec === "" || spec.startsWith("/")) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Model "${spec}" is not a "provider/model" string, e.g. openai/gpt-4o-mini.`,
    );
  }
  const slash = spec.indexOf("/");
  // A bare name is an OpenAI model, as in CrewAI and LiteLLM (`gpt-4o-mini`).
  if (slash === -1)
    return spec === "offline"
      ? { provider: "offline", model: "" }
      : { provider: "openai", model: spec };
  return { provider: spec.slice(0, slash).toLowerCase(), model: spec.slice(slash + 1) };
}

/** `openai/<model>` for a bare OpenAI model name; other strings as they are. */
function canonicalModelSpec(spec: string): string {
  const text = spec.trim();
  return text.includes("/") || text === "offline" || /\s/.test(text) || text === ""
    ? text
    : `openai/${text}`;
}

/**
 * Resolves a model: an instance is returned as is; a string is `<prefix>/<model>` with a prefix
 * of {@link MODEL_PROVIDERS} (LiteLLM's: `openai/`, `anthropic/`, `gemini/`, `groq/`...), a bare
 * OpenAI model name, or `offline`; undefined uses {@link defaultModelSpec}. Keys and base URLs
 * come from `options.env`. Throws CrewError `bad_request` for a malformed string,
 * `unknown_provider` listing the known prefixes, `missing_api_key` naming the variable to set.
 */
export function resolveModel(
  spec?: string | ModelInstance,
  options: ResolveModelOptions = {},
): ModelInstance {
  if (spec !== undefined && typeof spec !== "string") return spec;
  const env = options.env ?? process.env;
  const text = (spec ?? defaultModelSpec(env)).trim();
  const { provider, model } = splitSpec(text);
  if (provider === "offline") return createOfflineModel({ env });
  const entry = MODEL_PROVIDER_BY_PREFIX.get(provider);
  if (entry === undefined) {
    throw new CrewError(
      ErrorCode.UNKNOWN_PROVIDER,
      `Model "${text}" names an unknown provider "${provider}". Use one of: ${Object.values(MODEL_PROVIDERS).join("; ")}.`,
    );
  }
  if (model === "" || model.endsWith("/")) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Model "${text}" names no model: write it as ${MODEL_PROVIDERS[provider]}.`,
    );
  }
  const known = made.get(text);
  if (known && known.reads.every(([name, was]) => value(env, name) === was)) return known.model;
  // Every setting the provider reads is noted: the model is reused while they stay the same.
  const reads: [string, string | undefined][] = [];
  const read = (names: readonly string[]): string | undefined => {
    for (const name of names) {
      const found = value(env, name);
      reads.push([name, found]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const instance = entry.create({
    model,
    spec: text,
    value: read,
    key: (names) => {
      const key = read(names);
      if (key === undefined) {
        throw new CrewError(
          ErrorCode.MISSING_API_KEY,
          `Model "${text}" needs an API key: set ${names.join(" or ")}, or use the offline model (--model offline).`,
        );
      }
      return key;
    },
    baseURL: read(entry.baseUrlVars)?.replace(/\/+$/, ""),
  });
  made.delete(text);
  made.set(text, { reads, model: instance });
  if (made.size > MAX_MADE) made.delete(made.keys().next().value as string);
  return instance;
}

/** A "provider/model" label for a model string or instance, e.g. "openai/gpt-4o-mini" or "offline". Used in logs and as the rate-limit key. */
export function describeModel(model: string | ModelInstance): string {
  if (typeof model === "string") return canonicalModelSpec(model);
  const provider = model.provider.split(".")[0] ?? model.provider;
  if (provider === OFFLINE_PROVIDER) return "offline";
  return `${provider}/${model.modelId}`;
}
