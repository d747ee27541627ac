import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../events/index.js";
import { reply, startFakeOpenAI, type FakeOpenAI } from "../testing/index.js";
import { classifyModelError } from "./classify-model-error.js";

let server: FakeOpenAI;
beforeEach(async () => {
  server = await startFakeOpenAI({ defaultTokens: 6 });
});
afterEach(async () => {
  await server.close();
});

/** The error a real streaming call ends with against the fake server's scripted reply. */
async function streamError(): Promise<unknown> {
  const model = createOpenAICompatible({
    name: "fake",
    baseURL: server.baseURL,
    apiKey: "test-key",
  }).chatModel("fake-model");
  const result = streamText({ model, prompt: "Say hello", maxRetries: 0, onError: () => {} });
  try {
    for await (const part of result.fullStream) if (part.type === "error") return part.error;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("classifyModelError on the wire", () => {
  it("reports a stream the provider dropped mid-way as such, not as a provider error (200)", async () => {
    server.script(reply.drop(2));
    const error = await streamError();
    const found = classifyModelError(error);
    expect(found).toMatchObject({ retryable: true, code: ErrorCode.PROVIDER_ERROR });
    expect(found.reason).not.toMatch(/\(200\)/);
    expect(found.reason).toBe("the provider's stream was dropped mid-way");
  });
});
