import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./create-logger.js";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return { stream, text: () => text };
}

describe("createLogger", () => {
  it("writes one JSON object per record, with a child's run id and crew", () => {
    const out = capture();
    const log = createLogger({ format: "json", destination: out.stream, env: {} });
    log.child({ runId: "r-1", crew: "duo" }).error("Run r-1: failed", new Error("disk on fire"));
    log.info("plain");
    const [first, second] = out
      .text()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 50, runId: "r-1", crew: "duo", msg: "Run r-1: failed" });
    expect((first!.err as { message: string }).message).toBe("disk on fire");
    expect(second).toMatchObject({ level: 30, msg: "plain" });
  });

  it("never writes the value of a key variable or a credential field", () => {
    const out = capture();
    const key = "sk-test-abcdefghijklmnop";
    const log = createLogger({
      format: "json",
      destination: out.stream,
      env: { OPENAI_API_KEY: key, CREWSTREAM_TOKEN: 'tok"en-1234' },
    });
    log.error(`request with ${key} failed`, new Error(`401: key ${key} rejected`));
    log.warn("call", { headers: { authorization: "Bearer whatever-1" }, apiKey: "another" });
    log.info('token tok"en-1234 seen');
    const text = out.text();
    expect(text).not.toContain(key);
    expect(text).not.toContain("whatever-1");
    expect(text).not.toContain("another");
    expect(text).not.toContain('tok\\"en-1234');
    expect(text.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(5);
  });

  it("respects the level and writes readable lines in pretty format", () => {
    const out = capture();
    const log = createLogger({ format: "pretty", level: "warn", destination: out.stream, env: {} });
    log.info("hidden");
    log.warn("shown", { runId: "r-2" });
    expect(out.text()).not.toContain("hidden");
    expect(out.text()).toMatch(/WARN.*shown/);
    expect(out.text()).toContain("r-2");
    expect(() => JSON.parse(out.text())).toThrow();
  });
});
