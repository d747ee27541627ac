import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { memoryCommand } from "../cli/memory-command.js";
import type { CrewEvent } from "../events/index.js";
import { collectSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, startTestServer, type TestServer } from "./test-support/test-server.js";

let server: TestServer;
let crews: string;

beforeAll(async () => {
  crews = await mkdtemp(join(tmpdir(), "crewstream-memory-crews-"));
  await cp(join(FIXTURE_CREWS, "duo"), join(crews, "keeper"), { recursive: true });
  await writeFile(
    join(crews, "keeper", "crew.yaml"),
    "name: keeper\nprocess: sequential\nmemory: true\n",
  );
  server = await startTestServer({ crewsDirs: [crews] });
});
afterAll(async () => {
  await server.cleanup();
  await rm(crews, { recursive: true, force: true });
});

const ofType = <T extends CrewEvent["type"]>(events: CrewEvent[], type: T) =>
  events.filter((event): event is Extract<CrewEvent, { type: T }> => event.type === type);

describe("long-term memory (crew.yaml memory: true)", () => {
  it("saves each task's outcome, recalls it in a later run, and the CLI lists and resets it", async () => {
    const first = await collectSse(
      await server.post("/api/crew/stream", { crew: "keeper", inputs: { topic: "honey bees" } }),
    );
    expect(first.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
    const saves = ofType(first, "memory.save");
    // The first task finds nothing; the second already recalls what the first saved.
    expect(ofType(first, "memory.recall").map((event) => event.entries)).toEqual([
      [],
      [saves[0]?.entry],
    ]);
    expect(saves.map((event) => event.task)).toEqual(["research_task", "writing_task"]);
    // Each save follows its task's end.
    for (const save of saves) {
      const end = first.find((event) => event.type === "task.end" && event.task === save.task);
      expect(end!.seq).toBeLessThan(save.seq);
    }
    expect(saves[0]?.entry.text).toMatch(/^research_task: .*honey bees/i);

    const second = await collectSse(
      await server.post("/api/crew/stream", { crew: "keeper", inputs: { topic: "honey bees" } }),
    );
    const recalls = ofType(second, "memory.recall");
    expect(recalls[0]?.entries.map((entry) => entry.id)).toContain(saves[0]?.entry.id);
    const end = second.at(-1);
    expect(end?.type === "run.end" ? end.result : "").toContain("I remember from an earlier run:");

    const out: string[] = [];
    const write = vi
      .spyOn(process.stdout, "write")
      .mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
    try {
      expect(await memoryCommand("list", "keeper", { db: server.db, json: true })).toBe(0);
      const listed = JSON.parse(out.join("")) as Array<{ crew: string; agent: string }>;
      expect(listed).toHaveLength(4);
      expect(listed.every((entry) => entry.crew === "keeper")).toBe(true);
      out.length = 0;
      expect(await memoryCommand("reset", "keeper", { db: server.db })).toBe(0);
      expect(out.join("")).toBe('Forgot 4 memories of crew "keeper".\n');
      await expect(memoryCommand("forget", undefined, { db: server.db })).rejects.toMatchObject({
        code: "bad_request",
      });
    } finally {
      write.mockRestore();
    }
  });
});
