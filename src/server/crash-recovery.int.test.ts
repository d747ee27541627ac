import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { assertCompleteRun, collectSse, readSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, startTestServer } from "./test-support/test-server.js";

const SCRIPT = fileURLToPath(new URL("./test-support/serve-fixture.ts", import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Starts the fixture server in a child process and resolves with its URL. */
async function spawnServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, db, FIXTURE_CREWS, "5"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CREWSTREAM_TOKEN: "" },
  });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) =>
      reject(new Error(`server exited (${code}) before listening: ${stderr}`)),
    );
  });
  return { child, url };
}

describe("kill -9 mid-run", () => {
  it("keeps every event and ends the run failed/interrupted when the server starts again on the same database", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crewstream-crash-"));
    dirs.push(dir);
    const db = join(dir, "crewstream.db");
    const { child, url } = await spawnServer(db);

    const response = await fetch(`${url}/api/crew/stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "duo", inputs: { topic: "volcanoes" } }),
    });
    const runId = response.headers.get("x-run-id")!;
    const seen: CrewEvent[] = [];
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      for await (const message of readSse(response.body!)) {
        seen.push(message.crewEvent);
        if (seen.filter((event) => event.type === "text.delta").length === 20)
          child.kill("SIGKILL");
      }
    } catch {
      // The connection dies with the process; what arrived before is what counts.
    }
    await exited;
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.some((event) => event.type === "run.end")).toBe(false);

    const restarted = await startTestServer({ db });
    try {
      const run = await (await restarted.api(`/api/runs/${runId}`)).json();
      expect(run).toMatchObject({ id: runId, status: "failed", error: { code: "interrupted" } });
      const events = await collectSse(await restarted.api(`/api/runs/${runId}/events`));
      assertCompleteRun(events);
      // Every event a client saw survived, unchanged, in place.
      expect(events.slice(0, seen.length)).toEqual(seen);
      expect(events.at(-1)).toMatchObject({
        type: "run.end",
        status: "failed",
        error: { code: "interrupted" },
      });
      expect(events.filter((event) => event.type === "run.end")).toHaveLength(1);
    } finally {
      await restarted.cleanup();
    }
  });
});
