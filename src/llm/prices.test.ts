import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costOf, priceOf, priceTable } from "./prices.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "crewstream-prices-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("prices", () => {
  it("prices a known model per million tokens, the offline model at 0, an unknown model not at all", () => {
    const table = priceTable({});
    expect(costOf("openai/gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 0 }, table)).toBe(
      0.15,
    );
    expect(
      costOf("openai/gpt-4o-mini", { inputTokens: 1000, outputTokens: 500 }, table),
    ).toBeCloseTo(0.00045, 10);
    expect(costOf("offline", { inputTokens: 500, outputTokens: 500 }, table)).toBe(0);
    expect(costOf("compatible/some-local-model", { inputTokens: 1, outputTokens: 1 }, table)).toBe(
      undefined,
    );
    expect(priceOf("openrouter/openai/gpt-4o-mini", table)).toEqual(
      priceOf("openai/gpt-4o-mini", table),
    );
  });

  it("prices every hosted provider's models from the pinned price package, local models not at all", () => {
    const table = priceTable({});
    for (const model of [
      "anthropic/claude-sonnet-4-0",
      "gemini/gemini-2.5-flash",
      "groq/llama-3.3-70b-versatile",
      "mistral/mistral-large-latest",
      "deepseek/deepseek-chat",
      "xai/grok-4",
      "azure/gpt-4o",
      "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
    ]) {
      const price = priceOf(model, table);
      expect(price, model).toBeDefined();
      expect(price!.input, model).toBeGreaterThan(0);
      expect(price!.output, model).toBeGreaterThan(price!.input * 0.5);
    }
    expect(priceOf("openai/no-such-model", table)).toBeUndefined();
    expect(priceOf("ollama/llama3.2", table)).toBeUndefined();
    expect(priceOf("compatible/gpt-4o", table)).toBeUndefined();
  });

  it("reads overrides and additions from the CREWSTREAM_PRICES file", async () => {
    const file = join(dir, "prices.json");
    await writeFile(
      file,
      JSON.stringify({
        "openai/gpt-4o-mini": { input: 1, output: 2 },
        "compatible/my-model": { input: 0.5, output: 0.5 },
      }),
    );
    const table = priceTable({ CREWSTREAM_PRICES: file });
    expect(priceOf("openai/gpt-4o-mini", table)).toEqual({ input: 1, output: 2 });
    expect(costOf("compatible/my-model", { inputTokens: 2_000_000, outputTokens: 0 }, table)).toBe(
      1,
    );
    expect(priceOf("openai/gpt-4o", table)).toEqual({ input: 2.5, output: 10 });
  });

  it("names the file when it is not a price table", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ "openai/gpt-4o": { input: "cheap" } }));
    expect(() => priceTable({ CREWSTREAM_PRICES: file })).toThrow(/CREWSTREAM_PRICES=.*bad\.json/);
    expect(() => priceTable({ CREWSTREAM_PRICES: join(dir, "missing.json") })).toThrow(
      /could not be read/,
    );
  });
});
