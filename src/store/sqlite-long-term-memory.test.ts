import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteRunStore } from "./sqlite-store.js";

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length > 0) await rm(dirs.pop()!, { recursive: true, force: true });
});

async function dbPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "crewstream-memory-"));
  dirs.push(dir);
  return join(dir, "crewstream.db");
}

describe("long-term memory in the SQLite store (FTS5)", () => {
  it("recalls a crew's most relevant entries first, lists, resets per crew, and survives a reopen", async () => {
    const path = await dbPath();
    const store = new SqliteRunStore({ path });
    const saved = await store.memory.save("research", {
      task: "research_task: Research honey bees",
      agent: "researcher",
      summary: "Honey bees pollinate crops and live in colonies.",
      inputs: { topic: "honey bees" },
    });
    expect(saved.text).toBe(
      "research_task: Research honey bees (researcher): Honey bees pollinate crops and live in colonies.",
    );
    await store.memory.save("research", {
      task: "research_task: Research lighthouses",
      agent: "researcher",
      summary: "Lighthouses guide ships along rocky coasts.",
      inputs: { topic: "lighthouses" },
    });
    await store.memory.save("other", {
      task: "t: bees elsewhere",
      agent: "a",
      summary: "Bees of another crew.",
      inputs: {},
    });

    const recalled = await store.memory.search(
      "research",
      "Write an article about bees and their colonies",
      3,
    );
    expect(recalled.map((entry) => entry.id)).toEqual([saved.id]);
    expect(await store.memory.search("research", "ships on the coast", 3)).toHaveLength(1);
    expect(await store.memory.search("research", "the and for", 3)).toEqual([]);
    expect((await store.memory.list()).map((entry) => entry.crew)).toEqual([
      "research",
      "research",
      "other",
    ]);
    expect((await store.memory.list("research"))[0]).toMatchObject({
      agent: "researcher",
      inputs: { topic: "honey bees" },
    });
    await store.close();

    const again = new SqliteRunStore({ path });
    try {
      expect(await again.memory.list("research")).toHaveLength(2);
      expect(await again.memory.reset("research")).toBe(2);
      expect(await again.memory.list()).toHaveLength(1);
      expect(await again.memory.reset()).toBe(1);
      expect(await again.memory.list()).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
