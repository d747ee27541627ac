import { describe, expect, it } from "vitest";
import { CrewError, ErrorCode } from "../events/index.js";
import { createOfflineModel } from "../offline/offline-model.js";
import { MODEL_PROVIDER_LIST } from "./model-providers.js";
import { defaultModelSpec, describeModel, resolveModel } from "./resolve-model.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return CrewError.is(error) ? error.code : "not a CrewError";
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

describe("resolveModel", () => {
  it("builds each provider's chat model from its environment", () => {
    const env = {
      OPENAI_API_KEY: "k1",
      OPENROUTER_API_KEY: "k2",
      ANTHROPIC_API_KEY: "k3",
      CREWSTREAM_BASE_URL: "http://127.0.0.1:9/v1",
    };
    const cases: Array<[string, string, string]> = [
      ["openai/gpt-4o-mini", "openai.chat", "gpt-4o-mini"],
      ["openrouter/anthropic/claude-3.5-sonnet", "openrouter.chat", "anthropic/claude-3.5-sonnet"],
      ["anthropic/claude-sonnet-4-5", "anthropic.messages", "claude-sonnet-4-5"],
      ["ollama/llama3.2", "ollama.chat", "llama3.2"],
      ["compatible/my-model", "compatible.chat", "my-model"],
      ["offline", "offline", "offline"],
    ];
    for (const [spec, provider, modelId] of cases) {
      const model = resolveModel(spec, { env });
      expect(typeof model === "object" && model.provider).toBe(provider);
      expect(typeof model === "object" && model.modelId).toBe(modelId);
      expect(describeModel(model)).toBe(spec);
    }
  });

  it("shares one model per string while its settings stay the same, and makes a new one when one changes", () => {
    const env: NodeJS.ProcessEnv = {
      CREWSTREAM_BASE_URL: "http://127.0.0.1:1/v1",
      CREWSTREAM_API_KEY: "first",
    };
    const first = resolveModel("compatible/shared-model", { env });
    expect(resolveModel("compatible/shared-model", { env })).toBe(first);
    expect(resolveModel("compatible/other-model", { env })).not.toBe(first);
    env.CREWSTREAM_BASE_URL = "http://127.0.0.1:2/v1";
    const moved = resolveModel("compatible/shared-model", { env });
    expect(moved).not.toBe(first);
    expect(resolveModel("compatible/shared-model", { env })).toBe(moved);
    // A key appearing where none was read is a changed setting too.
    const openai = resolveModel("openai/gpt-4o-mini", { env: { OPENAI_API_KEY: "k" } });
    const withBase = resolveModel("openai/gpt-4o-mini", {
      env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:3/v1" },
    });
    expect(withBase).not.toBe(openai);
  });

  it("returns model instances as they are", () => {
    const model = createOfflineModel();
    expect(resolveModel(model)).toBe(model);
  });

  it("picks CREWSTREAM_MODEL, else openai/gpt-4o-mini with a key, else offline", () => {
    expect(defaultModelSpec({ CREWSTREAM_MODEL: "ollama/qwen3", OPENAI_API_KEY: "k" })).toBe(
      "ollama/qwen3",
    );
    expect(defaultModelSpec({ OPENAI_API_KEY: "k" })).toBe("openai/gpt-4o-mini");
    expect(defaultModelSpec({ OPENAI_API_KEY: " " })).toBe("offline");
    expect(describeModel(resolveModel(undefined, { env: {} }))).toBe("offline");
    expect(describeModel(resolveModel(undefined, { env: { OPENAI_API_KEY: "k" } }))).toBe(
      "openai/gpt-4o-mini",
    );
  });

  it("names the variable to set when a key is missing", () => {
    expect(codeOf(() => resolveModel("openai/gpt-4o", { env: {} }))).toBe(
      ErrorCode.MISSING_API_KEY,
    );
    expect(messageOf(() => resolveModel("openai/gpt-4o", { env: {} }))).toMatch(
      /set OPENAI_API_KEY/,
    );
    expect(messageOf(() => resolveModel("openrouter/meta/llama", { env: {} }))).toMatch(
      /set OPENROUTER_API_KEY/,
    );
    expect(messageOf(() => resolveModel("anthropic/claude", { env: {} }))).toMatch(
      /set ANTHROPIC_API_KEY/,
    );
    expect(codeOf(() => resolveModel("ollama/llama3.2", { env: {} }))).toBeUndefined();
  });

  it("lists the valid prefixes for an unknown provider", () => {
    expect(codeOf(() => resolveModel("vertexx/pro", { env: {} }))).toBe(ErrorCode.UNKNOWN_PROVIDER);
    const message = messageOf(() => resolveModel("vertexx/pro", { env: {} }));
    for (const provider of MODEL_PROVIDER_LIST) expect(message).toContain(`${provider.prefix}/`);
    expect(message).toContain("offline");
    expect(codeOf(() => resolveModel("constructor/x", { env: {} }))).toBe(
      ErrorCode.UNKNOWN_PROVIDER,
    );
  });

  it("rejects malformed strings with a hint", () => {
    expect(codeOf(() => resolveModel("openai/", { env: { OPENAI_API_KEY: "k" } }))).toBe(
      ErrorCode.BAD_REQUEST,
    );
    expect(codeOf(() => resolveModel("open ai/gpt", { env: {} }))).toBe(ErrorCode.BAD_REQUEST);
    expect(codeOf(() => resolveModel("/gpt", { env: {} }))).toBe(ErrorCode.BAD_REQUEST);
    expect(
      codeOf(() => resolveModel("openrouter/gpt-4o", { env: { OPENROUTER_API_KEY: "k" } })),
    ).toBe(ErrorCode.BAD_REQUEST);
    expect(messageOf(() => resolveModel("compatible/m", { env: {} }))).toMatch(
      /CREWSTREAM_BASE_URL/,
    );
  });
});

/** Every prefix: the package's model, the variable named when the key is missing, LiteLLM's names. */
describe("resolveModel for every provider prefix", () => {
  const cases: Array<{
    spec: string;
    provider: string;
    modelId: string;
    env: Record<string, string>;
    missing: RegExp | undefined;
    litellm?: Record<string, string>;
  }> = [
    {
      spec: "gpt-4o-mini",
      provider: "openai.chat",
      modelId: "gpt-4o-mini",
      env: { OPENAI_API_KEY: "k" },
      missing: /set OPENAI_API_KEY/,
    },
    {
      spec: "openai/gpt-4o",
      provider: "openai.chat",
      modelId: "gpt-4o",
      env: { OPENAI_API_KEY: "k" },
      missing: /set OPENAI_API_KEY/,
    },
    {
      spec: "anthropic/claude-sonnet-4-5",
      provider: "anthropic.messages",
      modelId: "claude-sonnet-4-5",
      env: { ANTHROPIC_API_KEY: "k" },
      missing: /set ANTHROPIC_API_KEY/,
    },
    {
      spec: "gemini/gemini-2.0-flash",
      provider: "google.generative-ai",
      modelId: "gemini-2.0-flash",
      env: { GOOGLE_GENERATIVE_AI_API_KEY: "k" },
      missing: /set GOOGLE_GENERATIVE_AI_API_KEY or GEMINI_API_KEY/,
      litellm: { GEMINI_API_KEY: "k" },
    },
    {
      spec: "groq/llama-3.1-70b",
      provider: "groq.chat",
      modelId: "llama-3.1-70b",
      env: { GROQ_API_KEY: "k" },
      missing: /set GROQ_API_KEY/,
    },
    {
      spec: "mistral/mistral-large-latest",
      provider: "mistral.chat",
      modelId: "mistral-large-latest",
      env: { MISTRAL_API_KEY: "k" },
      missing: /set MISTRAL_API_KEY/,
    },
    {
      spec: "deepseek/deepseek-chat",
      provider: "deepseek.chat",
      modelId: "deepseek-chat",
      env: { DEEPSEEK_API_KEY: "k" },
      missing: /set DEEPSEEK_API_KEY/,
    },
    {
      spec: "xai/grok-3-mini",
      provider: "xai.chat",
      modelId: "grok-3-mini",
      env: { XAI_API_KEY: "k" },
      missing: /set XAI_API_KEY/,
    },
    {
      spec: "azure/my-deployment",
      provider: "azure.chat",
      modelId: "my-deployment",
      env: { AZURE_API_KEY: "k", AZURE_RESOURCE_NAME: "res" },
      missing: /set AZURE_API_KEY/,
      litellm: { AZURE_API_KEY: "k", AZURE_API_BASE: "https://res.openai.azure.com" },
    },
    {
      spec: "bedrock/anthropic.claude-3-5-sonnet",
      provider: "amazon-bedrock",
      modelId: "anthropic.claude-3-5-sonnet",
      env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s" },
      missing: /set AWS_REGION or AWS_REGION_NAME/,
      litellm: { AWS_REGION_NAME: "us-east-1", AWS_BEARER_TOKEN_BEDROCK: "t" },
    },
    {
      spec: "ollama/llama3.2",
      provider: "ollama.chat",
      modelId: "llama3.2",
      env: {},
      missing: undefined,
    },
    {
      spec: "openrouter/openai/gpt-4o-mini",
      provider: "openrouter.chat",
      modelId: "openai/gpt-4o-mini",
      env: { OPENROUTER_API_KEY: "k" },
      missing: /set OPENROUTER_API_KEY/,
    },
    {
      spec: "compatible/my-model",
      provider: "compatible.chat",
      modelId: "my-model",
      env: { CREWSTREAM_BASE_URL: "http://127.0.0.1:9/v1" },
      missing: /set CREWSTREAM_BASE_URL/,
    },
  ];

  it("covers every prefix of the provider table", () => {
    const covered = new Set(
      cases.map((c) => (c.spec.includes("/") ? c.spec.split("/")[0] : "openai")),
    );
    expect([...covered].sort()).toEqual(MODEL_PROVIDER_LIST.map((p) => p.prefix).sort());
  });

  for (const c of cases) {
    it(`resolves ${c.spec} and names its variables`, () => {
      const model = resolveModel(c.spec, { env: c.env });
      expect(typeof model === "object" && model.provider).toBe(c.provider);
      expect(typeof model === "object" && model.modelId).toBe(c.modelId);
      if (c.missing === undefined) return;
      const code = codeOf(() => resolveModel(c.spec, { env: {} }));
      expect([ErrorCode.MISSING_API_KEY, ErrorCode.BAD_REQUEST]).toContain(code);
      expect(messageOf(() => resolveModel(c.spec, { env: {} }))).toMatch(c.missing);
      if (c.litellm !== undefined) {
        const viaLitellm = resolveModel(c.spec, { env: c.litellm });
        expect(typeof viaLitellm === "object" && viaLitellm.provider).toBe(c.provider);
      }
    });
  }

  it("names the second key of a provider that needs two", () => {
    expect(
      messageOf(() =>
        resolveModel("bedrock/m", { env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "a" } }),
      ),
    ).toMatch(/set AWS_SECRET_ACCESS_KEY/);
    expect(messageOf(() => resolveModel("azure/d", { env: { AZURE_API_KEY: "k" } }))).toMatch(
      /AZURE_RESOURCE_NAME or AZURE_API_BASE/,
    );
  });

  it("describes a bare OpenAI name as openai/<name>", () => {
    expect(describeModel("gpt-4o-mini")).toBe("openai/gpt-4o-mini");
    expect(describeModel("offline")).toBe("offline");
  });
});
