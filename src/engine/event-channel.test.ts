import { describe, expect, it } from "vitest";
import { ChannelClosedError, EventChannel } from "./event-channel.js";

describe("EventChannel", () => {
  it("delivers items in order and ends after close once drained", async () => {
    const channel = new EventChannel<number>(4);
    await channel.push(1);
    await channel.push(2);
    channel.close();
    expect(await channel.next()).toEqual({ value: 1 });
    expect(await channel.next()).toEqual({ value: 2 });
    expect(await channel.next()).toBeUndefined();
  });

  it("holds a producer back while the buffer is full", async () => {
    const channel = new EventChannel<number>(1);
    await channel.push(1);
    let pushed = false;
    const second = channel.push(2).then(() => (pushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pushed).toBe(false);
    expect(await channel.next()).toEqual({ value: 1 });
    await second;
    expect(pushed).toBe(true);
    expect(await channel.next()).toEqual({ value: 2 });
  });

  it("rejects waiting and later pushes once cancelled", async () => {
    const channel = new EventChannel<number>(1);
    await channel.push(1);
    const waiting = channel.push(2);
    channel.cancel();
    await expect(waiting).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(channel.push(3)).rejects.toBeInstanceOf(ChannelClosedError);
    expect(await channel.next()).toBeUndefined();
  });

  it("offers items synchronously while there is room, and never after close", async () => {
    const channel = new EventChannel<number>(2);
    expect(channel.offer(1)).toBe(true);
    expect(channel.offer(2)).toBe(true);
    expect(channel.writable).toBe(false);
    expect(channel.offer(3)).toBe(false);
    // Buffered items come back without a promise; an empty channel makes the consumer wait.
    expect(channel.next()).toEqual({ value: 1 });
    expect(channel.offer(3)).toBe(true);
    expect(channel.next()).toEqual({ value: 2 });
    expect(channel.next()).toEqual({ value: 3 });
    const waiting = channel.next();
    expect(waiting).toBeInstanceOf(Promise);
    expect(channel.offer(4)).toBe(true);
    expect(await waiting).toEqual({ value: 4 });
    channel.close();
    expect(channel.offer(5)).toBe(false);
    expect(channel.next()).toBeUndefined();
  });
});
