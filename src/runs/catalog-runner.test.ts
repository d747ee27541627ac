import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import type { CrewEvent } from "../events/index.js";
import { MemoryRunStore } from "../store/index.js";
import { catalogRunnerResolver } from "./catalog-runner.js";
import { RunManager } from "./run-manager.js";
import { runEvents } from "./test-support/run-events.js";

const examples = fileURLToPath(new URL("../../examples", import.meta.url));
let manager: RunManager | undefined;
afterEach(async () => manager?.close());

it("runs a crew from the catalog on the offline model through the run manager", async () => {
  const catalog = new CrewCatalog({ dirs: [examples], defaultName: "research-crew" });
  manager = new RunManager({
    store: new MemoryRunStore(),
    resolveRunner: catalogRunnerResolver(catalog),
  });
  await expect(manager.start({ crew: "no-such-crew", inputs: {} })).rejects.toMatchObject({
    code: "crew_not_found",
  });
  const record = await manager.start({ inputs: { topic: "sea otters" } });
  expect(record.crew).toBe("research-crew");
  const events: CrewEvent[] = [];
  for await (const event of runEvents(manager, record.id)) events.push(event);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]).toMatchObject({ type: "run.start", crew: "research-crew" });
  expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  const details = await manager.get(record.id);
  expect(details?.summary.tasks.length).toBeGreaterThan(0);
  expect(details?.summary.tasks.every((t) => t.status === "completed")).toBe(true);
});
