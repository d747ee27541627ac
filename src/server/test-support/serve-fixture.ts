/**
 * Test support: a server in its own process, so a test can `kill -9` it mid-run.
 * Usage: node --import tsx serve-fixture.ts <db> <crewsDir> <tokenMs>. Prints `{"url":...}`.
 */
import { createOfflineModel } from "../../offline/index.js";
import { startServer } from "../start-server.js";

const [db, crews, tokenMs] = process.argv.slice(2);
if (db === undefined || crews === undefined)
  throw new Error("usage: serve-fixture.ts <db> <crewsDir> <tokenMs>");
const server = await startServer({
  port: 0,
  db,
  crewsDirs: [crews],
  model: createOfflineModel({ tokenMs: Number(tokenMs ?? "5") }),
  webRoot: false,
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
