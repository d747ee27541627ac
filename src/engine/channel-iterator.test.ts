import { describe, expect, it } from "vitest";
import { ChannelIterator } from "./channel-iterator.js";
import { EventChannel } from "./event-channel.js";

/** A run whose producer is the test: it pushes and closes; `stops` records each stop. */
function run(items: number[] = [], options: { stopFails?: Error } = {}) {
  const channel = new EventChannel<number>(8);
  const seen = { started: 0, stops: [] as boolean[] };
  const iterator = new ChannelIterator(
    () => {
      seen.started += 1;
      for (const item of items) channel.offer(item);
      return {
        channel,
        stop: (finished: boolean) => {
          seen.stops.push(finished);
          if (!finished) channel.cancel();
          return options.stopFails ? Promise.reject(options.stopFails) : Promise.resolve();
        },
      };
    },
    (item) => item === 0,
  );
  return { channel, iterator, seen };
}

describe("ChannelIterator", () => {
  it("starts on the first next(), answers buffered and later items in order, then stops the finished run", async () => {
    const { channel, iterator, seen } = run([1, 2]);
    expect(seen.started).toBe(0);
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    expect(seen.started).toBe(1);
    expect(await iterator.next()).toEqual({ done: false, value: 2 });
    const waiting = iterator.next();
    channel.offer(0);
    expect(await waiting).toEqual({ done: false, value: 0 });
    channel.close();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(seen.stops).toEqual([true]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(seen.stops).toEqual([true]);
  });

  it("never starts the run when return() comes first", async () => {
    const { iterator, seen } = run([1]);
    expect(await iterator.return()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(seen).toEqual({ started: 0, stops: [] });
  });

  it("stops an unfinished run on return(), once", async () => {
    const { iterator, seen } = run([1, 2]);
    for await (const item of iterator) if (item === 1) break;
    expect(seen.stops).toEqual([false]);
    await iterator.return();
    expect(seen.stops).toEqual([false]);
  });

  it("serves requests made while one waits after it, in order", async () => {
    const { channel, iterator, seen } = run();
    const first = iterator.next();
    const second = iterator.next();
    const returned = iterator.return();
    const third = iterator.next();
    channel.offer(1);
    channel.offer(2);
    expect(await first).toEqual({ done: false, value: 1 });
    // return() came before the second item was there: it waits for the second request.
    expect(await second).toEqual({ done: false, value: 2 });
    expect(await returned).toEqual({ done: true, value: undefined });
    expect(await third).toEqual({ done: true, value: undefined });
    expect(seen.stops).toEqual([false]);
  });

  it("throw() stops the run and rejects with the error", async () => {
    const { iterator, seen } = run([1]);
    await iterator.next();
    const error = new Error("stop here");
    await expect(iterator.throw(error)).rejects.toBe(error);
    expect(seen.stops).toEqual([false]);
    await expect(iterator.throw("again")).rejects.toBe("again");
  });

  it("rejects when stopping the run fails (the producer failed)", async () => {
    const failure = new Error("producer failed");
    const { channel, iterator } = run([1], { stopFails: failure });
    await iterator.next();
    channel.close();
    await expect(iterator.next()).rejects.toBe(failure);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});
