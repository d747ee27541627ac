import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff-delay.js";

describe("backoffDelay", () => {
  it("doubles up to the cap, with jitter in the upper half", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 100, 1_000, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(3, 100, 1_000, () => 0)).toBe(200);
  });

  it("keeps within its bounds", () => {
    expect(backoffDelay(1, 500, 20_000, () => 0)).toBe(250);
    expect(backoffDelay(1, 500, 20_000, () => 0.999999)).toBe(500);
    expect(backoffDelay(10, 500, 20_000, () => 0.999999)).toBe(20_000);
  });
});
