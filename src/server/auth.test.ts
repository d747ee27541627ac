import { describe, expect, it } from "vitest";
import { bearerToken, tokenMatches } from "./auth.js";

describe("tokenMatches", () => {
  it("accepts only the exact token", () => {
    expect(tokenMatches("secret", "secret")).toBe(true);
    expect(tokenMatches("secret", "Secret")).toBe(false);
    expect(tokenMatches("secret", "secret ")).toBe(false);
    expect(tokenMatches("secret", "")).toBe(false);
    expect(tokenMatches("secret", "a much longer guess than the token")).toBe(false);
    expect(tokenMatches("secret", undefined)).toBe(false);
    expect(tokenMatches("secret", null)).toBe(false);
  });
});

describe("bearerToken", () => {
  it("reads the token of a Bearer header, case-insensitively", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc  ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
