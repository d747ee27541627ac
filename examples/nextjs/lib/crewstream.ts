/**
 * The app's crewstream server: one run manager (SQLite, so runs survive restarts) and the
 * Web-standard handler of crewstream's HTTP API. Route files hand their requests to it.
 *
 * It lives on `globalThis` so Next.js's hot reload in development does not start a second
 * run manager on the same database.
 */
import { join } from "node:path";
import { CrewCatalog } from "crewstream";
import {
  MemoryRunStore,
  RunManager,
  SqliteRunStore,
  catalogRunners,
  createApp,
} from "crewstream/server";

interface CrewServer {
  handler: (request: Request) => Promise<Response>;
  runs: RunManager;
}

const globalForCrew = globalThis as typeof globalThis & { crewServer?: Promise<CrewServer> };

async function createCrewServer(): Promise<CrewServer> {
  const crewsDir = process.env.CREWSTREAM_CREWS ?? join(process.cwd(), "crews");
  const db = process.env.CREWSTREAM_DB ?? join(process.cwd(), ".crewstream", "crewstream.db");
  const store =
    process.env.CREWSTREAM_PERSIST === "false"
      ? new MemoryRunStore()
      : new SqliteRunStore({ path: db });
  const catalog = new CrewCatalog({ dirs: [crewsDir] });
  const runs = new RunManager({ store, resolveRunner: catalogRunners(catalog) });
  // Runs a previous process left unfinished end as failed (interrupted) before new ones start.
  await runs.recover();
  const app = createApp({
    runs,
    catalog,
    webRoot: false,
    version: "nextjs-example",
    // The cap on open streams applies per client address (Next.js passes it in x-forwarded-for).
    clientKey: (c) => c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ?? "local",
    ...(process.env.CREWSTREAM_TOKEN ? { token: process.env.CREWSTREAM_TOKEN } : {}),
  });
  return { handler: (request) => Promise.resolve(app.fetch(request)), runs };
}

/** The crewstream handler for a request: `export const POST = crewstream;` in a route file. */
export async function crewstream(request: Request): Promise<Response> {
  globalForCrew.crewServer ??= createCrewServer();
  const server = await globalForCrew.crewServer;
  return server.handler(request);
}
