/**
 * A fake web search API on 127.0.0.1 that answers Serper's, Tavily's and Brave's routes in
 * their own formats, recording each request (path, key header, query) for assertions.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake search server got. */
export interface SearchRequest {
  provider: "serper" | "tavily" | "brave";
  key: string;
  query: string;
}

/** A running fake search server. */
export interface FakeSearchServer {
  baseURL: string;
  requests: SearchRequest[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
}

/** Starts the server; results are `Result <n> for <query>` at `https://example.com/<n>`. */
export async function startFakeSearchServer(): Promise<FakeSearchServer> {
  const requests: SearchRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      const results = (query: string) =>
        [1, 2].map((n) => ({ title: `Result ${n} for ${query}`, url: `https://example.com/${n}` }));
      if (req.method === "POST" && url.pathname === "/search" && req.headers["x-api-key"]) {
        const body = await bodyOf(req);
        const query = String(body["q"]);
        requests.push({ provider: "serper", key: String(req.headers["x-api-key"]), query });
        return json(200, {
          organic: results(query).map((r) => ({
            title: r.title,
            link: r.url,
            snippet: "from serper",
          })),
        });
      }
      if (req.method === "POST" && url.pathname === "/search") {
        const body = await bodyOf(req);
        const query = String(body["query"]);
        const key = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
        if (key === "") return json(401, { detail: "missing key" });
        requests.push({ provider: "tavily", key, query });
        return json(200, {
          results: results(query).map((r) => ({ ...r, content: "from tavily" })),
        });
      }
      if (req.method === "GET" && url.pathname === "/res/v1/web/search") {
        const query = url.searchParams.get("q") ?? "";
        const key = String(req.headers["x-subscription-token"] ?? "");
        requests.push({ provider: "brave", key, query });
        return json(200, {
          web: { results: results(query).map((r) => ({ ...r, description: "from brave" })) },
        });
      }
      json(404, { error: "unknown route" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
