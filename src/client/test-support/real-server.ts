/**
 * Test support for the client, the React adapter and the browser tests: a real crewstream
 * server on 127.0.0.1 port 0 with a temp SQLite file and a temp crews folder holding the
 * example research crew and a `review` crew whose task asks a human.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LanguageModel } from "ai";
import { createOfflineModel } from "../../offline/index.js";
import { startServer } from "../../server/index.js";
import type { RunningServer } from "../../server/index.js";

const RESEARCH_CREW = fileURLToPath(new URL("../../../examples/research-crew", import.meta.url));

/** A running test server and its temp folder. */
export interface RealServer {
  url: string;
  server: RunningServer;
  dir: string;
  /** Closes the server and removes the temp folder. */
  close(): Promise<void>;
}

/** Options of {@link startRealServer}. */
export interface RealServerOptions {
  /** Offline model pace in ms per token (default 0). */
  tokenMs?: number;
  /** A model for every agent instead of the offline one. */
  model?: LanguageModel;
  /** Folder of the built web UI to serve at `/`; none by default. */
  webRoot?: string;
  /**
   * Host names the server answers for besides its own loopback address and port, e.g.
   * `127.0.0.1` for a proxy on another port that passes the Host header through.
   */
  allowedHosts?: string[];
}

const REVIEW_CREW: Record<string, string> = {
  "crew.yaml": "name: review\nprocess: sequential\ninputs:\n  topic: release notes\n",
  "agents.yaml": [
    "writer:",
    '  role: "{topic} Writer"',
    "  goal: Draft a short note on {topic} for a human to approve",
    "  backstory: Writes drafts and takes feedback.",
    "",
  ].join("\n"),
  "tasks.yaml": [
    "draft_task:",
    "  description: Draft a short note on {topic}.",
    "  expected_output: A draft note.",
    "  agent: writer",
    "  human_input: true",
    "",
  ].join("\n"),
};

/** Starts the server. Call `close()` in `afterAll`. */
export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-client-"));
  const crews = join(dir, "crews");
  await cp(RESEARCH_CREW, join(crews, "research-crew"), { recursive: true });
  await mkdir(join(crews, "review"), { recursive: true });
  for (const [file, text] of Object.entries(REVIEW_CREW))
    await writeFile(join(crews, "review", file), text);
  const quiet = {
    info: () => undefined,
    warn: () => undefined,
    error: (...args: unknown[]) => console.error(...args),
  };
  const server = await startServer({
    port: 0,
    db: join(dir, "crewstream.db"),
    crewsDirs: [crews],
    model: options.model ?? createOfflineModel({ tokenMs: options.tokenMs ?? 0 }),
    webRoot: options.webRoot ?? false,
    logger: quiet,
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
  });
  return {
    url: server.url,
    server,
    dir,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
