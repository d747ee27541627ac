/**
 * Rate limits across runs: ten crews run at once in one process against one OpenAI-compatible
 * server that allows a fixed number of requests per window. The window is shortened (the
 * limiter's `windowMs`) so that a "minute" passes in two seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Crew } from "../engine/index.js";
import type { CrewEvent } from "../events/index.js";
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from "../testing/index.js";
import { RateLimiter } from "./rate-limiter.js";
import { parseRpmRules, RpmRulesLimiter } from "./rpm-config.js";
import { resolveModel } from "./resolve-model.js";

/** Requests the server accepts per window. */
const LIMIT = 6;
/** The limiter's window (its "minute"). */
const WINDOW_MS = 2000;
/**
 * The server counts arrivals over a window this much shorter: a request is counted by the
 * limiter when it leaves and by the server when it arrives, later (by much more than a few
 * milliseconds on a loaded machine, when many connections open at once).
 */
const TRANSIT_MS = 800;
const CREWS = 10;

let fake: FakeOpenAI;
/** Arrival times of the requests the server accepted, and how many it refused. */
let accepted: number[] = [];
let refused = 0;

/** Answers 429 with Retry-After once LIMIT requests arrived within the server's window. */
function enforceLimit(): FakeReply | undefined {
  const now = Date.now();
  const inWindow = accepted.filter((time) => time > now - (WINDOW_MS - TRANSIT_MS));
  if (inWindow.length >= LIMIT) {
    refused += 1;
    const waitMs = Math.max(1, inWindow[0]! + WINDOW_MS - now);
    return {
      status: 429,
      headers: {
        "retry-after": String(Math.ceil(waitMs / 1000)),
        "retry-after-ms": String(waitMs),
      },
      errorMessage: "Rate limit reached for requests",
    };
  }
  accepted.push(now);
  return undefined;
}

/** The most accepted arrivals inside any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let count = 0;
    for (let j = i; j < sorted.length && sorted[j]! - sorted[i]! < windowMs; j++) count++;
    most = Math.max(most, count);
  }
  return most;
}

function crew(index: number): Crew {
  return new Crew({
    name: `crew-${index}`,
    model: resolveModel("compatible/shared-model", { env: { CREWSTREAM_BASE_URL: fake.baseURL } }),
    agents: {
      researcher: { role: "Researcher", goal: "Find facts", backstory: "Careful." },
      writer: { role: "Writer", goal: "Write a note", backstory: "Clear." },
    },
    tasks: {
      research: {
        description: `Research topic ${index}.`,
        expectedOutput: "Facts",
        agent: "researcher",
      },
      write: {
        description: `Write about topic ${index}.`,
        expectedOutput: "A note",
        agent: "writer",
        context: ["research"],
      },
    },
  });
}

async function collect(stream: AsyncIterable<CrewEvent>): Promise<CrewEvent[]> {
  const events: CrewEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.script(enforceLimit);
});
afterAll(async () => {
  await fake.close();
});

describe("ten crews sharing one provider's rate limit", () => {
  it("stay under a configured limit: no 429, every run completes, the waits are llm.retry events", async () => {
    accepted = [];
    refused = 0;
    const before = fake.requests.length;
    const limiter = new RpmRulesLimiter(
      new RateLimiter({ windowMs: WINDOW_MS }),
      parseRpmRules(`compatible/*=${LIMIT}`),
    );
    const runs = await Promise.all(
      Array.from({ length: CREWS }, (_, i) =>
        collect(crew(i).stream({}, { rateLimiter: limiter })),
      ),
    );

    expect(runs.map((events) => events.at(-1))).toEqual(
      Array.from({ length: CREWS }, () =>
        expect.objectContaining({ type: "run.end", status: "completed" }),
      ),
    );
    expect(fake.requests.length - before).toBe(CREWS * 2);
    expect(refused).toBe(0);
    expect(busiestWindow(accepted, WINDOW_MS - TRANSIT_MS)).toBeLessThanOrEqual(LIMIT);
    const waits = runs.flat().filter((event) => event.type === "llm.retry");
    // The ten first requests leave together and 6 fit in a window: at least 4 crews waited,
    // each wait reported in its own run. (Later requests may find room as windows slide.)
    expect(new Set(waits.map((event) => event.runId)).size).toBeGreaterThanOrEqual(CREWS - LIMIT);
    for (const wait of waits) {
      expect(wait).toMatchObject({
        type: "llm.retry",
        reason: expect.stringContaining(`${LIMIT} reached`),
      });
      expect(wait.type === "llm.retry" && wait.delayMs).toBeGreaterThan(0);
      expect(wait.agent).toBeDefined();
    }
  });

  it("recover from the server's 429s when the limit is not configured: Retry-After holds every run back", async () => {
    accepted = [];
    refused = 0;
    const limiter = new RateLimiter({ windowMs: WINDOW_MS });
    const runs = await Promise.all(
      Array.from({ length: CREWS }, (_, i) =>
        collect(
          crew(i).stream(
            {},
            {
              rateLimiter: limiter,
              retry: { maxRetries: 12, baseDelayMs: 50, maxDelayMs: WINDOW_MS },
            },
          ),
        ),
      ),
    );

    expect(runs.map((events) => events.at(-1)?.type === "run.end" && events.at(-1))).toEqual(
      Array.from({ length: CREWS }, () => expect.objectContaining({ status: "completed" })),
    );
    expect(accepted).toHaveLength(CREWS * 2);
    expect(refused).toBeGreaterThan(0);
    expect(busiestWindow(accepted, WINDOW_MS - TRANSIT_MS)).toBeLessThanOrEqual(LIMIT);
    const waits = runs.flat().filter((event) => event.type === "llm.retry");
    // Every refused request was reported as a wait in its run (plus waits for the shared hold).
    expect(
      waits.filter((event) => event.type === "llm.retry" && /429|rate/i.test(event.reason)).length,
    ).toBeGreaterThanOrEqual(refused);
  });
});
