import { describe, expect, it } from "vitest";
import { DeliveryTurns } from "./delivery-turns.js";

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("DeliveryTurns", () => {
  it("wakes consumers in slices, first come first woken, letting the event loop turn in between", async () => {
    const turns = new DeliveryTurns({ perSlice: 3, atOnce: 0 });
    const woken: number[] = [];
    const seenByOthers: number[] = [];
    for (let i = 0; i < 8; i++) turns.add(() => (woken.push(i), 1));
    expect(turns.waiting).toBe(8);
    // Other work queued behind the first slice runs before the second one.
    for (let i = 0; i < 3; i++) {
      await turn();
      seenByOthers.push(woken.length);
    }
    expect(seenByOthers).toEqual([3, 6, 8]);
    expect(woken).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(turns.waiting).toBe(0);
  });

  it("wakes at once while nobody is queued and the turn's slice is not used up", async () => {
    const turns = new DeliveryTurns({ perSlice: 2 });
    const woken: number[] = [];
    for (let i = 0; i < 3; i++) turns.add(() => (woken.push(i), 1));
    expect(woken).toEqual([0, 1]);
    expect(turns.waiting).toBe(1);
    // The two woken at once used this turn's slice: the third has the next one.
    await turn();
    expect(woken).toEqual([0, 1]);
    await turn();
    expect(woken).toEqual([0, 1, 2]);
    turns.add(() => (woken.push(3), 1));
    expect(woken).toEqual([0, 1, 2, 3]);
    await turn();
    turns.add(() => (woken.push(4), 1));
    turns.add(() => (woken.push(5), 1));
    expect(woken).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("ends a slice once the events handed over reach its budget", async () => {
    const turns = new DeliveryTurns({ perSlice: 100, eventsPerSlice: 500, atOnce: 0 });
    const woken: number[] = [];
    for (let i = 0; i < 6; i++) turns.add(() => (woken.push(i), 200));
    await turn();
    // 200 + 200 + 200 passes 500: the third wake is the slice's last.
    expect(woken).toEqual([0, 1, 2]);
    await turn();
    expect(woken).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("serves consumers queued while a round goes on after those already waiting", async () => {
    const turns = new DeliveryTurns({ perSlice: 2, atOnce: 0 });
    const woken: string[] = [];
    turns.add(() => (woken.push("a"), 1));
    turns.add(() => (woken.push("b"), 1));
    turns.add(() => {
      woken.push("c");
      turns.add(() => (woken.push("a2"), 1));
      return 1;
    });
    while (turns.waiting > 0) await turn();
    expect(woken).toEqual(["a", "b", "c", "a2"]);
    // Three slices: the last for the one queued during the second, none empty.
    expect(turns.slices).toBe(3);
  });
});
