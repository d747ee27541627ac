/**
 * The model providers a "provider/model" string may name, as CrewAI users write them (LiteLLM's
 * prefixes). Each entry says which AI SDK package builds the model, which environment
 * variables hold its key (the AI SDK's documented name first, LiteLLM's where it differs) and
 * which variables override its base URL. `resolveModel` reads this table; the README's model
 * table is this table.
 */
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createAzure } from "@ai-sdk/azure";
import { createDeepSeek } from "@ai-sdk/deepseek";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createGroq } from "@ai-sdk/groq";
import { createMistral } from "@ai-sdk/mistral";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createXai } from "@ai-sdk/xai";
import type { LanguageModel } from "ai";
import { CrewError, ErrorCode } from "../events/index.js";

type ModelInstance = Exclude<LanguageModel, string>;

/** What a provider's `create` gets: the model id and readers of the environment. */
interface ProviderContext {
  /** The model id after the prefix, e.g. `gemini-2.0-flash`. */
  model: string;
  /** The whole model string, for messages. */
  spec: string;
  /** The first of `names` that is set (trimmed), if any. */
  value(names: readonly string[]): string | undefined;
  /** The first of `names` that is set; else throws `missing_api_key` naming them. */
  key(names: readonly string[]): string;
  /** The provider's base URL override, if one of its `baseUrlVars` is set (no trailing slash). */
  baseURL: string | undefined;
}

/** One provider prefix. */
export interface ModelProvider {
  /** The prefix before the first `/`. */
  prefix: string;
  /** The AI SDK package that talks to it. */
  package: string;
  /** An example model string. */
  example: string;
  /** Variables holding the key, any one of which is enough; empty when no key is needed. */
  keyVars: readonly string[];
  /** Other variables it reads (region, API version...), for documentation. */
  otherVars?: readonly string[];
  /** Variables overriding the base URL, first set wins. */
  baseUrlVars: readonly string[];
  /** Whether it speaks OpenAI's chat-completions wire format (tests drive it with the fake server). */
  openaiWire: boolean;
  /** Its provider id in `@pydantic/genai-prices`, which prices its models; none for local models. */
  pricesId?: string;
  /** Builds the model; throws CrewError for a missing key or setting. */
  create(ctx: ProviderContext): ModelInstance;
}

function needs(ctx: ProviderContext, names: readonly string[], what: string): string {
  const found = ctx.value(names);
  if (found === undefined) {
    throw new CrewError(
      ErrorCode.MISSING_API_KEY,
      `Model "${ctx.spec}" needs ${what}: set ${names.join(" or ")}.`,
    );
  }
  return found;
}

/** True for an Azure resource's root URL, which LiteLLM's AZURE_API_BASE holds. */
function isAzureRoot(url: string): boolean {
  try {
    const parsed = new URL(url);
    return /\.azure\.com$/i.test(parsed.hostname) && parsed.pathname.replace(/\/+$/, "") === "";
  } catch {
    return false;
  }
}

const base = (url: string | undefined) => (url === undefined ? {} : { baseURL: url });

/** Every provider, in the order the README lists them. */
export const MODEL_PROVIDER_LIST: readonly ModelProvider[] = [
  {
    prefix: "openai",
    pricesId: "openai",
    package: "@ai-sdk/openai",
    example: "openai/gpt-4o-mini (or just gpt-4o-mini)",
    keyVars: ["OPENAI_API_KEY"],
    baseUrlVars: ["OPENAI_BASE_URL", "OPENAI_API_BASE"],
    openaiWire: true,
    create: (ctx) =>
      createOpenAI({ apiKey: ctx.key(["OPENAI_API_KEY"]), ...base(ctx.baseURL) }).chat(ctx.model),
  },
  {
    prefix: "anthropic",
    pricesId: "anthropic",
    package: "@ai-sdk/anthropic",
    example: "anthropic/claude-sonnet-4-5",
    keyVars: ["ANTHROPIC_API_KEY"],
    baseUrlVars: ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_BASE"],
    openaiWire: false,
    create: (ctx) =>
      createAnthropic({ apiKey: ctx.key(["ANTHROPIC_API_KEY"]), ...base(ctx.baseURL) })(ctx.model),
  },
  {
    prefix: "gemini",
    pricesId: "google",
    package: "@ai-sdk/google",
    example: "gemini/gemini-2.0-flash",
    keyVars: ["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"],
    baseUrlVars: ["GOOGLE_GENERATIVE_AI_BASE_URL", "GEMINI_API_BASE"],
    openaiWire: false,
    create: (ctx) =>
      createGoogleGenerativeAI({
        apiKey: ctx.key(["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"]),
        ...base(ctx.baseURL),
      })(ctx.model),
  },
  {
    prefix: "groq",
    pricesId: "groq",
    package: "@ai-sdk/groq",
    example: "groq/llama-3.1-70b-versatile",
    keyVars: ["GROQ_API_KEY"],
    baseUrlVars: ["GROQ_BASE_URL", "GROQ_API_BASE"],
    openaiWire: true,
    create: (ctx) =>
      createGroq({ apiKey: ctx.key(["GROQ_API_KEY"]), ...base(ctx.baseURL) })(ctx.model),
  },
  {
    prefix: "mistral",
    pricesId: "mistral",
    package: "@ai-sdk/mistral",
    example: "mistral/mistral-large-latest",
    keyVars: ["MISTRAL_API_KEY"],
    baseUrlVars: ["MISTRAL_BASE_URL", "MISTRAL_API_BASE"],
    openaiWire: false,
    create: (ctx) =>
      createMistral({ apiKey: ctx.key(["MISTRAL_API_KEY"]), ...base(ctx.baseURL) })(ctx.model),
  },
  {
    prefix: "deepseek",
    pricesId: "deepseek",
    package: "@ai-sdk/deepseek",
    example: "deepseek/deepseek-chat",
    keyVars: ["DEEPSEEK_API_KEY"],
    baseUrlVars: ["DEEPSEEK_BASE_URL", "DEEPSEEK_API_BASE"],
    openaiWire: true,
    create: (ctx) =>
      createDeepSeek({ apiKey: ctx.key(["DEEPSEEK_API_KEY"]), ...base(ctx.baseURL) })(ctx.model),
  },
  {
    prefix: "xai",
    pricesId: "x-ai",
    package: "@ai-sdk/xai",
    example: "xai/grok-3-mini",
    keyVars: ["XAI_API_KEY"],
    baseUrlVars: ["XAI_BASE_URL", "XAI_API_BASE"],
    openaiWire: true,
    create: (ctx) =>
      createXai({ apiKey: ctx.key(["XAI_API_KEY"]), ...base(ctx.baseURL) }).chat(ctx.model),
  },
  {
    prefix: "azure",
    pricesId: "azure",
    package: "@ai-sdk/azure",
    example: "azure/<deployment>",
    keyVars: ["AZURE_API_KEY"],
    otherVars: ["AZURE_RESOURCE_NAME", "AZURE_API_VERSION"],
    baseUrlVars: ["AZURE_BASE_URL", "AZURE_API_BASE"],
    openaiWire: true,
    create: (ctx) => {
      const apiKey = ctx.key(["AZURE_API_KEY"]);
      const apiVersion = ctx.value(["AZURE_API_VERSION"]);
      // LiteLLM's AZURE_API_BASE is the resource's root (https://x.openai.azure.com); the AI
      // SDK wants the `/openai` path under it.
      const url =
        ctx.baseURL !== undefined && isAzureRoot(ctx.baseURL)
          ? `${ctx.baseURL}/openai`
          : ctx.baseURL;
      const where =
        url === undefined
          ? {
              resourceName: needs(
                ctx,
                ["AZURE_RESOURCE_NAME", "AZURE_API_BASE"],
                "its Azure resource",
              ),
            }
          : { baseURL: url };
      return createAzure({
        apiKey,
        ...where,
        ...(apiVersion === undefined ? {} : { apiVersion }),
      }).chat(ctx.model);
    },
  },
  {
    prefix: "bedrock",
    pricesId: "aws",
    package: "@ai-sdk/amazon-bedrock",
    example: "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
    keyVars: ["AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY"],
    otherVars: ["AWS_REGION", "AWS_REGION_NAME", "AWS_SESSION_TOKEN"],
    baseUrlVars: ["BEDROCK_BASE_URL"],
    openaiWire: false,
    create: (ctx) => {
      const region = needs(ctx, ["AWS_REGION", "AWS_REGION_NAME"], "an AWS region");
      const apiKey = ctx.value(["AWS_BEARER_TOKEN_BEDROCK"]);
      if (apiKey !== undefined)
        return createAmazonBedrock({ region, apiKey, ...base(ctx.baseURL) })(ctx.model);
      const accessKeyId = needs(
        ctx,
        ["AWS_ACCESS_KEY_ID", "AWS_BEARER_TOKEN_BEDROCK"],
        "AWS credentials",
      );
      const secretAccessKey = needs(ctx, ["AWS_SECRET_ACCESS_KEY"], "AWS credentials");
      const sessionToken = ctx.value(["AWS_SESSION_TOKEN"]);
      return createAmazonBedrock({
        region,
        accessKeyId,
        secretAccessKey,
        ...(sessionToken === undefined ? {} : { sessionToken }),
        ...base(ctx.baseURL),
      })(ctx.model);
    },
  },
  {
    prefix: "ollama",
    package: "@ai-sdk/openai-compatible",
    example: "ollama/llama3.2",
    keyVars: [],
    baseUrlVars: ["OLLAMA_BASE_URL", "OLLAMA_API_BASE"],
    openaiWire: true,
    create: (ctx) =>
      createOpenAICompatible({
        name: "ollama",
        // Ollama's own base URL is the server root; its OpenAI endpoint is under /v1.
        baseURL: `${(ctx.baseURL ?? "http://127.0.0.1:11434").replace(/\/v1$/, "")}/v1`,
        includeUsage: true,
      }).chatModel(ctx.model),
  },
  {
    prefix: "openrouter",
    pricesId: "openrouter",
    package: "@ai-sdk/openai-compatible",
    example: "openrouter/openai/gpt-4o-mini",
    keyVars: ["OPENROUTER_API_KEY"],
    baseUrlVars: ["OPENROUTER_BASE_URL", "OPENROUTER_API_BASE"],
    openaiWire: true,
    create: (ctx) => {
      if (!ctx.model.includes("/")) {
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          `Model "${ctx.spec}" must name a vendor and a model: openrouter/<vendor>/<model>, e.g. openrouter/openai/gpt-4o-mini.`,
        );
      }
      return createOpenAICompatible({
        name: "openrouter",
        baseURL: ctx.baseURL ?? "https://openrouter.ai/api/v1",
        apiKey: ctx.key(["OPENROUTER_API_KEY"]),
        includeUsage: true,
      }).chatModel(ctx.model);
    },
  },
  {
    prefix: "compatible",
    package: "@ai-sdk/openai-compatible",
    example: "compatible/<model>",
    keyVars: [],
    otherVars: ["CREWSTREAM_API_KEY (optional)"],
    baseUrlVars: ["CREWSTREAM_BASE_URL"],
    openaiWire: true,
    create: (ctx) => {
      if (ctx.baseURL === undefined) {
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          `Model "${ctx.spec}" needs the endpoint's base URL: set CREWSTREAM_BASE_URL (e.g. http://127.0.0.1:8000/v1).`,
        );
      }
      const apiKey = ctx.value(["CREWSTREAM_API_KEY"]);
      return createOpenAICompatible({
        name: "compatible",
        baseURL: ctx.baseURL,
        includeUsage: true,
        ...(apiKey === undefined ? {} : { apiKey }),
      }).chatModel(ctx.model);
    },
  },
];

/** The providers by prefix. */
export const MODEL_PROVIDER_BY_PREFIX: ReadonlyMap<string, ModelProvider> = new Map(
  MODEL_PROVIDER_LIST.map((provider) => [provider.prefix, provider]),
);
