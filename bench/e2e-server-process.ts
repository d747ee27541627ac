/**
 * The server side of the end-to-end benchmark, in its own process. Arguments: mode, the fake
 * model's base URL, and (crewstream) a scratch folder for the crews and the database.
 *
 * - `relay`: the floor a hand-written route sets: a minimal `node:http` server whose
 *   `POST /` runs the crew's three prompts with the raw AI SDK in sequence and writes each
 *   text delta as one SSE frame, then a `run.end` frame.
 * - `crewstream`: the server `crewstream serve` starts (the built package's `startServer`,
 *   SQLite on, a crews folder holding the benchmark crew, the model `compatible/bench-model`
 *   at the fake server, logs as `serve` writes them), with `BENCH_MAX_RUNS` runs at once and
 *   `BENCH_STREAM_CAP` streams per client.
 *
 * Prints one JSON line `{ url }` once listening; answers `cpu` on stdin with
 * `{ cpuMs }` (this process's CPU time so far, user + system).
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type * as Observe from "../src/observe/index.js";
import type * as Server from "../src/server/index.js";
import { loadBuilt } from "./built.js";
import { CREW_NAME, rawCrew, writeCrewsFolder } from "./e2e-crew.js";

const mode = process.argv[2] ?? "crewstream";
const baseURL = process.argv[3] ?? "";
const scratch = process.argv[4];

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "cpu") {
    const used = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000 })}\n`);
  }
  if (line === "exit") process.exit(0);
});
// A normal exit on SIGTERM, so `--cpu-prof` (BENCH_CHILD_FLAGS) writes its profile.
process.once("SIGTERM", () => process.exit(0));

let url: string;
if (mode === "relay") {
  const model = createOpenAICompatible({ name: "bench", baseURL, includeUsage: true }).chatModel(
    "bench-model",
  );
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const { inputs } = JSON.parse(body) as { inputs: { topic: string } };
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      });
      res.flushHeaders();
      rawCrew(model, inputs.topic, (agent, delta) => {
        res.write(`data: ${JSON.stringify({ type: "text.delta", agent, delta })}\n\n`);
      }).then(
        () => res.end(`data: ${JSON.stringify({ type: "run.end", status: "completed" })}\n\n`),
        (error: unknown) =>
          res.end(
            `data: ${JSON.stringify({ type: "run.end", status: "failed", error: String(error) })}\n\n`,
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
} else {
  const { startServer } = await loadBuilt<typeof Server>("server/index.js");
  const { createLogger } = await loadBuilt<typeof Observe>("observe/index.js");
  const dir = scratch ?? mkdtempSync(join(tmpdir(), "crewstream-e2e-"));
  process.env.CREWSTREAM_BASE_URL = baseURL;
  const server = await startServer({
    logger: createLogger(),
    announce: () => {},
    metrics: true,
    host: "127.0.0.1",
    port: 0,
    crewsDirs: [writeCrewsFolder(join(dir, "crews"))],
    db: join(dir, "crewstream.db"),
    ...(process.env.BENCH_E2E_PERSIST === "0" ? { persist: false } : {}),
    model: "compatible/bench-model",
    maxConcurrentRuns: Number(process.env.BENCH_MAX_RUNS ?? 64),
    maxStreamsPerClient: Number(process.env.BENCH_STREAM_CAP ?? 64),
  });
  url = `${server.url}/api/crew/stream`;
}
process.stdout.write(`${JSON.stringify({ url, crew: CREW_NAME })}\n`);
