import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { unwatch, watch, type Deadline } from "./deadlines.js";

/** A deadline `ms` from now that records when it expired into `log`. */
function deadline(name: string, ms: number, log: Array<{ name: string; at: number }>) {
  let due = performance.now() + ms;
  const d: Deadline & { moveTo(ms: number): void } = {
    dueAt: () => due,
    expire: () => log.push({ name, at: performance.now() }),
    moveTo: (later) => (due = performance.now() + later),
  };
  return { d, due: () => due };
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("deadlines", () => {
  it("expires each watched deadline once, in order, no earlier than it is due", async () => {
    const log: Array<{ name: string; at: number }> = [];
    const all = { c: deadline("c", 45, log), a: deadline("a", 15, log), b: deadline("b", 30, log) };
    for (const { d } of Object.values(all)) watch(d);
    await sleep(90);
    expect(log.map((e) => e.name)).toEqual(["a", "b", "c"]);
    for (const entry of log)
      expect(entry.at).toBeGreaterThanOrEqual(all[entry.name as keyof typeof all].due() - 0.5);
  });

  it("follows a deadline that moved later", async () => {
    const log: Array<{ name: string; at: number }> = [];
    const { d, due } = deadline("moved", 20, log);
    watch(d);
    await sleep(10);
    d.moveTo(50);
    await sleep(25);
    expect(log).toEqual([]);
    await sleep(50);
    expect(log.map((e) => e.name)).toEqual(["moved"]);
    expect(log[0]?.at).toBeGreaterThanOrEqual(due() - 0.5);
  });

  it("never expires an unwatched deadline, and holds no timer once nothing is watched", async () => {
    const before = timers();
    const log: Array<{ name: string; at: number }> = [];
    const { d } = deadline("dropped", 10, log);
    watch(d);
    expect(timers()).toBe(before + 1);
    unwatch(d);
    expect(timers()).toBe(before);
    await sleep(30);
    expect(log).toEqual([]);
  });
});
