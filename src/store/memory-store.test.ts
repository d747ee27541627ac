import { expect, it } from "vitest";
import { MemoryRunStore } from "./memory-store.js";
import { runStoreContract } from "./run-store.contract.js";

runStoreContract("memory", async () => ({ store: new MemoryRunStore() }));

it("hands out copies, so changing a returned record or event does not change the store", async () => {
  const store = new MemoryRunStore();
  const record = await store.createRun({
    id: "r",
    crew: "demo",
    inputs: { a: 1 },
    status: "queued",
  });
  record.inputs.a = 2;
  expect((await store.getRun("r"))?.inputs).toEqual({ a: 1 });
});
