/**
 * A crew starts the same way whoever starts it: `crewstream run` and the server build its
 * runner with the one `runnerForCrew`, so every example crew's `run.start` (crew, process,
 * inputs with crew.yaml's defaults, agents, tasks) is the same from both.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEvent, type CrewEvent } from "../events/index.js";
import { silentLogger, startServer, type RunningServer } from "../server/index.js";
import { runCli } from "./test-support/run-cli.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
/** Every example crew that runs offline: its folder, and its name in the server's catalog. */
const CREWS = [
  { dir: join(EXAMPLES, "research-crew"), name: "research-crew" },
  { dir: join(EXAMPLES, "python-crew"), name: "python-crew" },
  { dir: join(EXAMPLES, "nextjs", "crews", "research"), name: "research" },
];
/** No provider keys: every engine crew runs on the offline model in both; the Python stand-in without pauses. */
const OFFLINE = {
  OPENAI_API_KEY: "",
  OPENROUTER_API_KEY: "",
  ANTHROPIC_API_KEY: "",
  CREWSTREAM_FAKE_STEP_MS: "0",
};

/** The run.start without what differs between any two runs. */
function comparable(event: CrewEvent | undefined): Record<string, unknown> {
  expect(event?.type).toBe("run.start");
  const { runId: _runId, ts: _ts, ...rest } = event as CrewEvent;
  return rest;
}

function firstEvent(jsonl: string): CrewEvent | undefined {
  const line = jsonl.split("\n").find((text) => text.trim() !== "");
  if (line === undefined) return undefined;
  const parsed = parseEvent(JSON.parse(line));
  return parsed.ok && parsed.event !== null ? parsed.event : undefined;
}

let server: RunningServer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const [key, value] of Object.entries(OFFLINE)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  server = await startServer({
    port: 0,
    persist: false,
    crewsDirs: [EXAMPLES, join(EXAMPLES, "nextjs", "crews")],
    logger: silentLogger,
  });
});
afterAll(async () => {
  await server.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("run.start from `crewstream run` and from the server", { timeout: 180_000 }, () => {
  it.each(CREWS)("is the same for $name", async ({ dir, name }) => {
    const cli = await runCli(["run", dir, "--jsonl", "--no-persist"], { env: OFFLINE });
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = comparable(firstEvent(cli.stdout));

    const started = await fetch(`${server.url}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: name, inputs: {} }),
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    const events = await fetch(`${server.url}/api/runs/${runId}/events`, {
      headers: { accept: "application/x-ndjson" },
    });
    const fromServer = comparable(firstEvent(await events.text()));

    expect(fromServer).toEqual(fromCli);
    // crew.yaml's default inputs are part of it, from both.
    expect(fromCli.inputs).toEqual(expect.objectContaining({ topic: expect.any(String) }));
    expect(fromCli.crew).toBe(name);
  });
});
