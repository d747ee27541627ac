import { expect, it } from "vitest";
import { MemoryRunStore } from "../store/index.js";
import { findRun, requireRun, resolveRunId } from "./require-run.js";

async function storeWith(ids: string[]): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  for (const id of ids) await store.createRun({ id, crew: "demo", inputs: {}, status: "queued" });
  return store;
}

it("resolves an exact id, and a unique prefix of at least 6 characters", async () => {
  const store = await storeWith(["e3960987-aaaa", "e39609ff-bbbb", "abc"]);
  expect(await resolveRunId(store, "e3960987")).toBe("e3960987-aaaa");
  expect(await resolveRunId(store, "e3960987-aaaa")).toBe("e3960987-aaaa");
  // An exact id shorter than the minimum still names its run.
  expect((await requireRun(store, "abc")).id).toBe("abc");
  await expect(resolveRunId(store, "e3960")).rejects.toMatchObject({ code: "run_not_found" });
  await expect(resolveRunId(store, "f00000")).rejects.toMatchObject({
    code: "run_not_found",
    message: 'No run with id "f00000".',
  });
  expect(await findRun(store, "f00000")).toBeUndefined();
});

it("refuses an ambiguous prefix with bad_request listing the candidates", async () => {
  const store = await storeWith(["e3960987-aaaa", "e39609ff-bbbb"]);
  const error = await resolveRunId(store, "e39609").catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: "bad_request" });
  expect((error as Error).message).toBe(
    'The run id prefix "e39609" matches several runs: e3960987-aaaa, e39609ff-bbbb. Give more characters.',
  );
  await expect(findRun(store, "e39609")).rejects.toMatchObject({ code: "bad_request" });
});

it("lists at most five candidates", async () => {
  const ids = Array.from({ length: 8 }, (_, i) => `aaaaaa-${i}`);
  const store = await storeWith(ids);
  await expect(resolveRunId(store, "aaaaaa")).rejects.toThrow(
    /matches several runs: aaaaaa-0, aaaaaa-1, aaaaaa-2, aaaaaa-3, aaaaaa-4 and more\. Give more/,
  );
});
