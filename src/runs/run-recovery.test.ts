import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import { MemoryRunStore, SqliteRunStore } from "../store/index.js";
import { scriptedRunner } from "./test-support/scripted-runner.js";
import { RunManager } from "./run-manager.js";
import { runEvents } from "./test-support/run-events.js";

const root = mkdtempSync(join(tmpdir(), "crewstream-recovery-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const child = fileURLToPath(new URL("./test-support/crash-child.ts", import.meta.url));

it("keeps every event written before a SIGKILL and ends the run failed/interrupted on recovery", async () => {
  const path = join(root, "crash.db");
  const proc = fork(child, [path], { execArgv: ["--import", "tsx"], stdio: "pipe" });
  let stderr = "";
  proc.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const seen = await new Promise<{ runId: string; seq: number }>((resolve, reject) => {
    proc.on("message", (message: { runId: string; seq: number }) => {
      if (message.seq >= 40) {
        proc.kill("SIGKILL");
        resolve(message);
      }
    });
    proc.on("exit", (code) =>
      reject(new Error(`crash-child exited (${code}) before reaching seq 40: ${stderr}`)),
    );
  });
  await new Promise((resolve) => proc.once("exit", resolve));
  expect(proc.signalCode).toBe("SIGKILL");

  const store = new SqliteRunStore({ path });
  const before = await store.readEvents(seen.runId, 0);
  expect(before.length).toBeGreaterThanOrEqual(seen.seq);
  expect(before.map((e) => e.seq)).toEqual(before.map((_, i) => i + 1));
  expect(await store.getRun(seen.runId)).toMatchObject({
    status: "running",
    lastSeq: before.length,
  });

  const manager = new RunManager({ store, resolveRunner: async () => scriptedRunner() });
  const recovered = await manager.recover();
  expect(recovered.map((r) => [r.id, r.status])).toEqual([[seen.runId, "failed"]]);
  const after: unknown[] = [];
  for await (const event of runEvents(manager, seen.runId)) after.push(event);
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after).toHaveLength(before.length + 1);
  expect(after.at(-1)).toMatchObject({
    type: "run.end",
    seq: before.length + 1,
    status: "failed",
    error: { code: "interrupted" },
  });
  expect(await manager.get(seen.runId)).toMatchObject({
    status: "failed",
    error: { code: "interrupted" },
  });
  expect(await manager.recover()).toEqual([]);
  await manager.close();
  await store.close();
});

it("recovers a run that never started with run.start and run.end, and keeps finished runs as they are", async () => {
  const store = new MemoryRunStore();
  await store.createRun({ id: "queued", crew: "demo", inputs: { a: 1 }, status: "queued" });
  await store.createRun({ id: "done", crew: "demo", inputs: {}, status: "running" });
  const s = new EventStamper("done");
  await store.appendEvents("done", [
    s.stamp({
      type: "run.start",
      crew: "demo",
      process: "sequential",
      inputs: {},
      agents: [],
      tasks: [],
    }),
    s.stamp({
      type: "run.end",
      status: "completed",
      result: "ok",
      usage: { inputTokens: 1, outputTokens: 1 },
      durationMs: 1,
    }),
  ]);
  const manager = new RunManager({ store, resolveRunner: async () => scriptedRunner() });
  expect((await manager.recover()).map((r) => r.id)).toEqual(["queued"]);
  const events = await store.readEvents("queued", 0);
  expect(events.map((e) => [e.seq, e.type])).toEqual([
    [1, "run.start"],
    [2, "run.end"],
  ]);
  expect(events[0]).toMatchObject({ crew: "demo", inputs: { a: 1 } });
  expect(await store.getRun("done")).toMatchObject({ status: "completed", lastSeq: 2 });
});
