import { describe, expect, it } from "vitest";
import { CrewError } from "../events/index.js";
import { StreamLimiter } from "./limits.js";

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
