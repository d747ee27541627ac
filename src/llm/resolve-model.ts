/**
 * Turns a "provider/model" string into an AI SDK language model. Keys and base URLs come from
 * the environment, so a crew's YAML only names the model.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { CrewError, ErrorCode } from "../events/index.js";
import { OFFLINE_PROVIDER, createOfflineModel } from "../offline/index.js";

/** A model instance (what {@link resolveModel} returns): any AI SDK `LanguageModel` that is not a string. */
export type ModelInstance = Exclude<LanguageModel, string>;

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /** Where keys and base URLs are read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The provider prefixes a model string may start with, and what each needs. */
export const MODEL_PROVIDERS = {
  openai: "openai/<model> (OPENAI_API_KEY, optional OPENAI_BASE_URL)",
  openrouter: "openrouter/<vendor>/<model> (OPENROUTER_API_KEY)",
  anthropic: "anthropic/<model> (ANTHROPIC_API_KEY)",
  ollama: "ollama/<model> (OLLAMA_BASE_URL, default http://127.0.0.1:11434)",
  compatible: "compatible/<model> (CREWSTREAM_BASE_URL, optional CREWSTREAM_API_KEY)",
  offline: "offline (built in, no key)",
} as const;

/** The model used when nothing names one and no OPENAI_API_KEY is set. */
export const DEFAULT_OPENAI_MODEL = "openai/gpt-4o-mini";

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function requireKey(env: NodeJS.ProcessEnv, name: string, spec: string): string {
  const key = value(env, name);
  if (!key) {
    throw new CrewError(
      ErrorCode.MISSING_API_KEY,
      `Model "${spec}" needs an API key: set ${name}, or use the offline model (--model offline).`,
    );
  }
  return key;
}

/** The model string used when none is given: CREWSTREAM_MODEL, else openai/gpt-4o-mini with a key, else offline. */
export function defaultModelSpec(env: NodeJS.ProcessEnv = process.env): string {
  return (
    value(env, "CREWSTREAM_MODEL") ??
    (value(env, "OPENAI_API_KEY") ? DEFAULT_OPENAI_MODEL : "offline")
  );
}

function splitSpec(spec: string): { provider: string; model: string } {
  const slash = spec.indexOf("/");
  const provider = slash === -1 ? spec : spec.slice(0, slash);
  const model = slash === -1 ? "" : spec.slice(slash + 1);
  if (/\s/.test(spec) || provider === "") {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Model "${spec}" is not a "provider/model" string, e.g. openai/gpt-4o-mini.`,
    );
  }
  return { provider: provider.toLowerCase(), model };
}

/**
 * Resolves a model: an instance is returned as is; a string is `openai/<m>`,
 * `openrouter/<vendor>/<m>`, `anthropic/<m>`, `ollama/<m>`, `compatible/<m>` or `offline`;
 * undefined uses {@link defaultModelSpec}. Throws CrewError `bad_request` for a malformed
 * string, `unknown_provider` for an unknown prefix, `missing_api_key` naming the variable to set.
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
  if (!Object.hasOwn(MODEL_PROVIDERS, provider)) {
    throw new CrewError(
      ErrorCode.UNKNOWN_PROVIDER,
      `Model "${text}" names an unknown provider "${provider}". Use one of: ${Object.values(MODEL_PROVIDERS).join("; ")}.`,
    );
  }
  if (model === "" || model.endsWith("/")) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `Model "${text}" names no model: write it as ${MODEL_PROVIDERS[provider as keyof typeof MODEL_PROVIDERS]}.`,
    );
  }
  switch (provider) {
    case "openai": {
      const baseURL = value(env, "OPENAI_BASE_URL");
      const openai = createOpenAI({
        apiKey: requireKey(env, "OPENAI_API_KEY", text),
        ...(baseURL ? { baseURL } : {}),
      });
      return openai.chat(model);
    }
    case "openrouter": {
      if (!model.includes("/")) {
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          `Model "${text}" must name a vendor and a model: openrouter/<vendor>/<model>, e.g. openrouter/openai/gpt-4o-mini.`,
        );
      }
      const apiKey = requireKey(env, "OPENROUTER_API_KEY", text);
      return createOpenAICompatible({
        name: "openrouter",
        baseURL: "https://openrouter.ai/api/v1",
        apiKey,
        includeUsage: true,
      }).chatModel(model);
    }
    case "anthropic": {
      const baseURL = value(env, "ANTHROPIC_BASE_URL");
      return createAnthropic({
        apiKey: requireKey(env, "ANTHROPIC_API_KEY", text),
        ...(baseURL ? { baseURL } : {}),
      })(model);
    }
    case "ollama": {
      const base = (value(env, "OLLAMA_BASE_URL") ?? "http://127.0.0.1:11434").replace(/\/+$/, "");
      return createOpenAICompatible({
        name: "ollama",
        baseURL: `${base}/v1`,
        includeUsage: true,
      }).chatModel(model);
    }
    default: {
      const baseURL = value(env, "CREWSTREAM_BASE_URL");
      if (!baseURL) {
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          `Model "${text}" needs the endpoint's base URL: set CREWSTREAM_BASE_URL (e.g. http://127.0.0.1:8000/v1).`,
        );
      }
      const apiKey = value(env, "CREWSTREAM_API_KEY");
      return createOpenAICompatible({
        name: "compatible",
        baseURL,
        includeUsage: true,
        ...(apiKey ? { apiKey } : {}),
      }).chatModel(model);
    }
  }
}

/** A "provider/model" label for a model string or instance, e.g. "openai/gpt-4o-mini" or "offline". Used in logs and as the rate-limit key. */
export function describeModel(model: string | ModelInstance): string {
  if (typeof model === "string") return model.trim();
  const provider = model.provider.split(".")[0] ?? model.provider;
  if (provider === OFFLINE_PROVIDER) return "offline";
  return `${provider}/${model.modelId}`;
}
