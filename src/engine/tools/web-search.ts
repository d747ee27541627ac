/**
 * The `web_search` tool: asks a web search API and returns the top results as text. Serper,
 * Tavily and Brave are supported; the one used is the first whose key is set, in the order
 * CREWSTREAM_SEARCH_PROVIDER, the tool's preferred provider (SerperDevTool prefers Serper),
 * then Serper, Tavily, Brave. Keys are read at call time, so a missing key fails the call
 * with a tool error the model sees, never the run.
 */
import { tool, type Tool } from "ai";
import { z } from "zod";
import { CrewError, ErrorCode } from "../../events/index.js";

/** A search API `web_search` can use. */
export type SearchProvider = "serper" | "tavily" | "brave";

/** One search result. */
interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

interface ProviderSpec {
  key: string;
  baseUrlVar: string;
  defaultBaseUrl: string;
  search(
    base: string,
    key: string,
    query: string,
    count: number,
    signal: AbortSignal,
  ): Promise<SearchResult[]>;
}

async function fetchJson(url: string, init: RequestInit, label: string): Promise<unknown> {
  const response = await fetch(url, init);
  if (!response.ok) {
    const body = (await response.text().catch(() => "")).slice(0, 200);
    throw new CrewError(
      ErrorCode.TOOL_ERROR,
      `web_search: ${label} answered HTTP ${response.status}${body ? `: ${body}` : ""}`,
    );
  }
  return response.json();
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const list = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];

/** The search APIs, each with its key variable and base URL override. */
export const SEARCH_PROVIDERS: Record<SearchProvider, ProviderSpec> = {
  serper: {
    key: "SERPER_API_KEY",
    baseUrlVar: "SERPER_BASE_URL",
    defaultBaseUrl: "https://google.serper.dev",
    async search(base, key, query, count, signal) {
      const body = await fetchJson(
        `${base}/search`,
        {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: JSON.stringify({ q: query, num: count }),
          signal,
        },
        "Serper",
      );
      return list((body as { organic?: unknown }).organic).map((r) => ({
        title: str(r["title"]),
        url: str(r["link"]),
        snippet: str(r["snippet"]),
      }));
    },
  },
  tavily: {
    key: "TAVILY_API_KEY",
    baseUrlVar: "TAVILY_BASE_URL",
    defaultBaseUrl: "https://api.tavily.com",
    async search(base, key, query, count, signal) {
      const body = await fetchJson(
        `${base}/search`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ query, max_results: count }),
          signal,
        },
        "Tavily",
      );
      return list((body as { results?: unknown }).results).map((r) => ({
        title: str(r["title"]),
        url: str(r["url"]),
        snippet: str(r["content"]),
      }));
    },
  },
  brave: {
    key: "BRAVE_API_KEY",
    baseUrlVar: "BRAVE_BASE_URL",
    defaultBaseUrl: "https://api.search.brave.com",
    async search(base, key, query, count, signal) {
      const params = new URLSearchParams({ q: query, count: String(count) });
      const body = await fetchJson(
        `${base}/res/v1/web/search?${params}`,
        { headers: { "x-subscription-token": key, accept: "application/json" }, signal },
        "Brave",
      );
      const web = (body as { web?: { results?: unknown } }).web;
      return list(web?.results).map((r) => ({
        title: str(r["title"]),
        url: str(r["url"]),
        snippet: str(r["description"]),
      }));
    },
  },
};

const ORDER: readonly SearchProvider[] = ["serper", "tavily", "brave"];

/** How long one search may take. */
const WEB_SEARCH_TIMEOUT_MS = 15_000;

/** Options of {@link createWebSearchTool}. */
export interface WebSearchOptions {
  /** Tried first when its key is set (after CREWSTREAM_SEARCH_PROVIDER). */
  prefer?: SearchProvider;
  /** Where keys and base URLs are read, at call time. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Results returned (default 5). */
  count?: number;
}

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The provider a search uses with `env`, or `undefined` when no key is set. */
export function chooseSearchProvider(
  env: NodeJS.ProcessEnv,
  prefer?: SearchProvider,
): SearchProvider | undefined {
  const chosen = read(env, "CREWSTREAM_SEARCH_PROVIDER")?.toLowerCase();
  const order = [
    ...(chosen !== undefined && (ORDER as readonly string[]).includes(chosen)
      ? [chosen as SearchProvider]
      : []),
    ...(prefer === undefined ? [] : [prefer]),
    ...ORDER,
  ];
  return order.find((provider) => read(env, SEARCH_PROVIDERS[provider].key) !== undefined);
}

function format(query: string, results: SearchResult[]): string {
  if (results.length === 0) return `No results for "${query}".`;
  return results
    .map((r, i) => `${i + 1}. ${r.title}\n${r.url}${r.snippet ? `\n${r.snippet}` : ""}`)
    .join("\n\n");
}

/** Creates the `web_search` tool. */
export function createWebSearchTool(
  options: WebSearchOptions = {},
): Tool<{ query: string }, string> {
  return tool({
    description:
      "Search the web. Returns the top results, each with its title, URL and a snippet; fetch a URL to read the page.",
    inputSchema: z.object({ query: z.string().describe("What to search for") }),
    execute: async ({ query }, { abortSignal }) => {
      const env = options.env ?? process.env;
      const provider = chooseSearchProvider(env, options.prefer);
      if (provider === undefined) {
        throw new CrewError(
          ErrorCode.TOOL_ERROR,
          `web_search is not configured: set ${ORDER.map((p) => SEARCH_PROVIDERS[p].key).join(", ")} (one is enough).`,
        );
      }
      const spec = SEARCH_PROVIDERS[provider];
      const base = (read(env, spec.baseUrlVar) ?? spec.defaultBaseUrl).replace(/\/+$/, "");
      const timeout = AbortSignal.timeout(WEB_SEARCH_TIMEOUT_MS);
      const signal = abortSignal ? AbortSignal.any([abortSignal, timeout]) : timeout;
      try {
        const key = read(env, spec.key) ?? "";
        return format(query, await spec.search(base, key, query, options.count ?? 5, signal));
      } catch (error) {
        if (CrewError.is(error) || abortSignal?.aborted) throw error;
        throw new CrewError(
          ErrorCode.TOOL_ERROR,
          `web_search could not reach ${provider}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  });
}
