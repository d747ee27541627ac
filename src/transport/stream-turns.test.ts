import { describe, expect, it } from "vitest";
import { StreamTurns } from "./stream-turns.js";

/** What one step writes: 8 steps fill a slice of 1,000 bytes. */
const STEP_BYTES = 125;

/** Keeps the thread busy for `ms`, as a step of real work (a page read and a write) does. */
function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Runs `streams` streams of `steps` steps of `stepMs` each through `turns`, while a timer
 * (standing for everything else the process serves) counts the turns of the event loop.
 */
async function runStreams(
  turns: StreamTurns,
  streams: number,
  steps: number,
  stepMs: number,
  /** How the counting tick schedules itself (default a timer; an immediate counts each turn). */
  later: (tick: () => void) => void = (tick) => setTimeout(tick, 0),
): Promise<{ stepsBetweenTicks: number[]; started: number[]; finished: number[] }> {
  const stepsBetweenTicks: number[] = [];
  let sinceTick = 0;
  let running = true;
  const tick = (): void => {
    stepsBetweenTicks.push(sinceTick);
    sinceTick = 0;
    if (running) later(tick);
  };
  later(tick);
  const started: number[] = [];
  const finished: number[] = [];
  let order = 0;
  await Promise.all(
    Array.from({ length: streams }, async (_, stream) => {
      const rank = turns.rank();
      for (let step = 0; step < steps; step++) {
        const wait = turns.turn(rank);
        if (wait) await wait;
        if (step === 0) started[stream] = order++;
        work(stepMs);
        sinceTick += 1;
        turns.done(STEP_BYTES);
      }
      finished[stream] = order++;
    }),
  );
  running = false;
  return { stepsBetweenTicks, started, finished };
}

describe("StreamTurns", () => {
  it("cuts the work of many streams into slices, letting the event loop turn in between", async () => {
    const turns = new StreamTurns({ sliceBytes: 1000 });
    const { stepsBetweenTicks } = await runStreams(turns, 20, 10, 0.25);
    // 200 steps of 125 bytes: a slice of 1,000 bytes holds 8.
    expect(stepsBetweenTicks.reduce((sum, steps) => sum + steps, 0)).toBeLessThanOrEqual(200);
    expect(Math.max(...stepsBetweenTicks)).toBeLessThanOrEqual(10);
    expect(stepsBetweenTicks.length).toBeGreaterThan(200 / 10);
    expect(turns.waiting).toBe(0);
  });

  it("serves the streams opened first first, so only a few are part-way at once", async () => {
    const turns = new StreamTurns({ sliceBytes: 1000 });
    const { started, finished } = await runStreams(turns, 40, 10, 0.25);
    // The first stream is done long before the last one gets its first step.
    expect(finished[0]).toBeLessThan(started[39]!);
    // When a stream starts, how many others have started and not finished.
    const partway = Math.max(
      ...started.map((at) => started.filter((start, j) => start <= at && finished[j]! > at).length),
    );
    expect(partway).toBeLessThanOrEqual(3);
  });

  it("takes one step a turn while requests arrive", async () => {
    const turns = new StreamTurns({ sliceBytes: 2500 });
    // A request comes in on every turn of the loop, and the steps are counted each turn.
    const { stepsBetweenTicks } = await runStreams(turns, 10, 10, 0.25, (tick) =>
      setImmediate(() => {
        turns.requestArrived();
        tick();
      }),
    );
    // One step a turn, where a quiet slice would hold twenty.
    expect(Math.max(...stepsBetweenTicks)).toBeLessThanOrEqual(1);
    // So the 100 steps took (at least) 100 turns; the last is counted by no later tick.
    expect(stepsBetweenTicks.length).toBeGreaterThanOrEqual(100);
  });
});
