import { describe, expect, it } from "vitest";
import { CrewError, ErrorCode } from "../events/index.js";
import { createOfflineModel } from "../offline/offline-model.js";
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
    expect(codeOf(() => resolveModel("gemini/pro", { env: {} }))).toBe(ErrorCode.UNKNOWN_PROVIDER);
    const message = messageOf(() => resolveModel("gemini/pro", { env: {} }));
    for (const prefix of [
      "openai/",
      "openrouter/",
      "anthropic/",
      "ollama/",
      "compatible/",
      "offline",
    ])
      expect(message).toContain(prefix);
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
