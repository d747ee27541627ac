import { describe, expect, it } from "vitest";
import { CrewError } from "../events/index.js";
import { releaseWhenDone, StreamLimiter } from "./limits.js";

describe("StreamLimiter", () => {
  it("counts streams per client and refuses the one over the cap", () => {
    const limiter = new StreamLimiter(2);
    const a = limiter.acquire("1.2.3.4");
    limiter.acquire("1.2.3.4");
    limiter.acquire("5.6.7.8");
    const refused = (() => {
      try {
        limiter.acquire("1.2.3.4");
      } catch (error) {
        return error;
      }
    })();
    expect(CrewError.is(refused) && refused.code).toBe("too_many_requests");
    a();
    a();
    expect(limiter.openStreams("1.2.3.4")).toBe(1);
    expect(() => limiter.acquire("1.2.3.4")).not.toThrow();
  });
});

describe("releaseWhenDone", () => {
  function bytes(parts: string[], fail?: Error): ReadableStream<Uint8Array> {
    return new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        if (fail) controller.error(fail);
        else controller.close();
      },
    });
  }

  it("releases once when the stream ends, passing every chunk through", async () => {
    let released = 0;
    const text = await new Response(
      releaseWhenDone(bytes(["a", "b"]), () => (released += 1)),
    ).text();
    expect(text).toBe("ab");
    expect(released).toBe(1);
  });

  it("releases when the reader cancels", async () => {
    let released = 0;
    const reader = releaseWhenDone(bytes(["a", "b"]), () => (released += 1)).getReader();
    await reader.read();
    await reader.cancel();
    expect(released).toBe(1);
  });

  it("releases when the stream errors", async () => {
    let released = 0;
    await expect(
      new Response(releaseWhenDone(bytes(["a"], new Error("cut")), () => (released += 1))).text(),
    ).rejects.toThrow();
    expect(released).toBe(1);
  });
});
