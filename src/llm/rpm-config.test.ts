import { describe, expect, it } from "vitest";
import { CrewError } from "../events/index.js";
import { RateLimiter } from "./rate-limiter.js";
import {
  configuredRateLimiter,
  parseRpmRules,
  rpmForKey,
  rpmRulesFromEnv,
  RpmRulesLimiter,
} from "./rpm-config.js";

describe("parseRpmRules", () => {
  it("reads provider/model=rpm entries, spaces and empty entries aside", () => {
    expect(
      parseRpmRules(
        " openai/gpt-4o-mini=60, compatible/*=30,,openrouter/meta-llama/llama-3.1-70b=2.5 ",
      ),
    ).toEqual([
      { provider: "openai", model: "gpt-4o-mini", rpm: 60 },
      { provider: "compatible", model: "*", rpm: 30 },
      { provider: "openrouter", model: "meta-llama/llama-3.1-70b", rpm: 2.5 },
    ]);
    expect(parseRpmRules(undefined)).toEqual([]);
    expect(parseRpmRules("  ")).toEqual([]);
    expect(rpmRulesFromEnv({ CREWSTREAM_RPM: "ollama/*=10" })).toEqual([
      { provider: "ollama", model: "*", rpm: 10 },
    ]);
  });

  it.each([
    "gpt-4o-mini=60",
    "openai/gpt-4o-mini",
    "openai/gpt-4o-mini=0",
    "openai/gpt-4o-mini=fast",
    "openai/=5",
    "open ai/x=5",
  ])("refuses %s naming the entry", (text) => {
    let error: unknown;
    try {
      parseRpmRules(`compatible/*=30,${text}`);
    } catch (caught) {
      error = caught;
    }
    expect(CrewError.is(error) && error.code).toBe("bad_request");
    expect((error as Error).message).toContain(`"${text}"`);
    expect((error as Error).message).toContain("provider/model=requests-per-minute");
  });
});

describe("rpmForKey", () => {
  const rules = parseRpmRules(
    "openai/gpt-4o-mini=60,openai/*=100,compatible/*=30,compatible.chat/llama3=5,*/*=500",
  );

  it("matches the limiter's model keys by provider prefix or id and by model, the strictest rule winning", () => {
    expect(rpmForKey(rules, "model:openai.responses/gpt-4o-mini")).toBe(60);
    expect(rpmForKey(rules, "model:openai.chat/gpt-4o")).toBe(100);
    expect(rpmForKey(rules, "model:compatible.chat/qwen")).toBe(30);
    expect(rpmForKey(rules, "model:compatible.chat/llama3")).toBe(5);
    expect(rpmForKey(rules, "model:anthropic.messages/claude")).toBe(500);
  });

  it("leaves keys that are not model keys alone", () => {
    expect(rpmForKey(rules, "agent:researcher")).toBeUndefined();
    expect(
      rpmForKey(parseRpmRules("openai/*=1"), "model:anthropic.messages/claude"),
    ).toBeUndefined();
  });
});

describe("RpmRulesLimiter", () => {
  it("holds requests of a matching key to the rule, and to the caller's rpm when stricter", async () => {
    let now = 0;
    const waits: Array<[number, string]> = [];
    const inner = new RateLimiter({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const limiter = new RpmRulesLimiter(inner, parseRpmRules("compatible/*=2"));
    const onWait = (delayMs: number, reason: string): number => waits.push([delayMs, reason]);
    for (let i = 0; i < 3; i++) await limiter.acquire("model:compatible.chat/m", { onWait });
    expect(waits).toEqual([[60_000, "max_rpm 2 reached"]]);

    waits.length = 0;
    await limiter.acquire("model:compatible.chat/other", { rpm: 1, onWait });
    await limiter.acquire("model:compatible.chat/other", { rpm: 1, onWait });
    expect(waits).toEqual([[60_000, "max_rpm 1 reached"]]);

    waits.length = 0;
    for (let i = 0; i < 5; i++) await limiter.acquire("model:openai.chat/m", { onWait });
    expect(waits).toEqual([]);
    expect(inner.inWindow("model:openai.chat/m")).toBe(5);
  });

  it("passes penalties and limits through to the inner limiter", async () => {
    let now = 0;
    const inner = new RateLimiter({ now: () => now, sleep: async (ms) => void (now += ms) });
    const limiter = new RpmRulesLimiter(inner, []);
    await limiter.penalize("model:x.chat/m", 1000);
    await limiter.acquire("model:x.chat/m");
    expect(now).toBe(1000);
    await limiter.setLimit("model:x.chat/m", 1);
    const reasons: string[] = [];
    await limiter.acquire("model:x.chat/m", { onWait: (_ms, reason) => reasons.push(reason) });
    expect(reasons).toEqual(["max_rpm 1 reached"]);
  });
});

describe("configuredRateLimiter", () => {
  it("applies CREWSTREAM_RPM on top of the shared limiter, rebuilt only when the variable changes", () => {
    const shared = new RateLimiter();
    expect(configuredRateLimiter(shared, {})).toBe(shared);
    const env = { CREWSTREAM_RPM: "compatible/*=30" };
    const limiter = configuredRateLimiter(shared, env);
    expect(limiter).toBeInstanceOf(RpmRulesLimiter);
    expect((limiter as RpmRulesLimiter).rules).toEqual([
      { provider: "compatible", model: "*", rpm: 30 },
    ]);
    expect(configuredRateLimiter(shared, env)).toBe(limiter);
    expect(() => configuredRateLimiter(shared, { CREWSTREAM_RPM: "openai=abc" })).toThrow(/openai/);
  });
});
