import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSearchServer, type FakeSearchServer } from "./test-support/fake-search-server.js";
import { chooseSearchProvider, createWebSearchTool, type WebSearchOptions } from "./web-search.js";

let search: FakeSearchServer;

beforeAll(async () => {
  search = await startFakeSearchServer();
});

afterAll(async () => {
  await search.close();
});

function envWith(keys: Record<string, string>): NodeJS.ProcessEnv {
  return {
    SERPER_BASE_URL: search.baseURL,
    TAVILY_BASE_URL: search.baseURL,
    BRAVE_BASE_URL: search.baseURL,
    ...keys,
  };
}

async function run(query: string, options: WebSearchOptions): Promise<string> {
  const tool = createWebSearchTool(options);
  return (await tool.execute?.({ query }, { toolCallId: "1", messages: [] })) as string;
}

describe("web_search", () => {
  for (const [provider, key] of [
    ["serper", "SERPER_API_KEY"],
    ["tavily", "TAVILY_API_KEY"],
    ["brave", "BRAVE_API_KEY"],
  ] as const) {
    it(`asks ${provider} with its key and lists the results`, async () => {
      const before = search.requests.length;
      const text = await run("tidal power", { env: envWith({ [key]: `${provider}-key` }) });
      expect(search.requests.slice(before)).toEqual([
        { provider, key: `${provider}-key`, query: "tidal power" },
      ]);
      expect(text).toBe(
        `1. Result 1 for tidal power\nhttps://example.com/1\nfrom ${provider}\n\n2. Result 2 for tidal power\nhttps://example.com/2\nfrom ${provider}`,
      );
    });
  }

  it("uses the preferred provider when its key is set, else the first with a key", () => {
    const all = { SERPER_API_KEY: "s", TAVILY_API_KEY: "t", BRAVE_API_KEY: "b" };
    expect(chooseSearchProvider(all)).toBe("serper");
    expect(chooseSearchProvider(all, "brave")).toBe("brave");
    expect(chooseSearchProvider({ TAVILY_API_KEY: "t" }, "serper")).toBe("tavily");
    expect(chooseSearchProvider({ ...all, CREWSTREAM_SEARCH_PROVIDER: "tavily" }, "brave")).toBe(
      "tavily",
    );
    expect(chooseSearchProvider({ SERPER_API_KEY: " " })).toBeUndefined();
  });

  it("fails the call, not the run, when no key is set, naming the variables", async () => {
    await expect(run("x", { env: envWith({}) })).rejects.toMatchObject({
      code: "tool_error",
      message: expect.stringMatching(/set SERPER_API_KEY, TAVILY_API_KEY, BRAVE_API_KEY/),
    });
  });

  it("reports an API error with its status", async () => {
    await expect(
      run("x", { env: { TAVILY_API_KEY: "t", TAVILY_BASE_URL: `${search.baseURL}/nowhere` } }),
    ).rejects.toThrow(/Tavily answered HTTP 404/);
  });
});
