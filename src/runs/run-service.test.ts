import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { MemoryRunStore, SqliteRunStore, type RunStore } from "../store/index.js";
import { RunManager } from "./run-manager.js";
import { runServiceContract, type MakeRunService } from "./run-service.contract.js";

const root = mkdtempSync(join(tmpdir(), "crewstream-run-service-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A local run manager running one run at once on `store`. */
function onStore(newStore: () => RunStore): MakeRunService {
  return async (resolveRunner) => {
    const store = newStore();
    const runs = new RunManager({ store, resolveRunner, maxConcurrentRuns: 1 });
    return {
      runs,
      close: async () => {
        await runs.close();
        await store.close();
      },
    };
  };
}

runServiceContract(
  "RunManager on memory",
  onStore(() => new MemoryRunStore()),
  { dropsSlowConsumers: true },
);
runServiceContract(
  "RunManager on SQLite",
  onStore(() => new SqliteRunStore({ path: join(root, `runs-${n++}.db`) })),
  { dropsSlowConsumers: true },
);
