/** Test support: a real server on 127.0.0.1 port 0 with a temp SQLite file and fixture crews. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createOfflineModel } from "../../offline/index.js";
import type { Logger } from "../logger.js";
import { startServer } from "../start-server.js";
import type { RunningServer, StartServerOptions } from "../start-server.js";

/** The fixture crews: `duo` (two tasks) and `review` (a human_input task). */
export const FIXTURE_CREWS = fileURLToPath(new URL("../fixtures/crews", import.meta.url));

/** A logger that keeps what it is told, so tests can check that nothing went wrong. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (message: string, ...details: unknown[]): void => {
      lines.push(
        `${level} ${message} ${details.map((d) => (d instanceof Error ? d.stack : String(d))).join(" ")}`,
      );
    };
  return { lines, info: keep("info"), warn: keep("warn"), error: keep("error") };
}

/** A started test server and helpers to call it. */
export interface TestServer extends RunningServer {
  dir: string;
  db: string;
  logger: ReturnType<typeof memoryLogger>;
  /** fetch against the server, path relative to its URL. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Closes the server and removes its folder. */
  cleanup(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export type TestServerOptions = Partial<StartServerOptions> & {
  /** Offline model pace; 0 (default) streams without delay. */
  tokenMs?: number;
};

/** Starts a server on a free port with the offline model and the fixture crews. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-server-"));
  const db = options.db ?? join(dir, "crewstream.db");
  const logger = memoryLogger();
  const { tokenMs, ...rest } = options;
  const server = await startServer({
    port: 0,
    db,
    crewsDirs: [FIXTURE_CREWS],
    model: createOfflineModel({ tokenMs: tokenMs ?? 0 }),
    webRoot: false,
    logger,
    ...rest,
  });
  const api = (path: string, init?: RequestInit): Promise<Response> =>
    fetch(new URL(path, server.url), init);
  return {
    ...server,
    dir,
    db,
    logger,
    api,
    post: (path, body, headers = {}) =>
      api(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    cleanup: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
