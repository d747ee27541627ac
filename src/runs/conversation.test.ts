import { describe, expect, it } from "vitest";
import {
  conversationText,
  DEFAULT_HISTORY_TOKENS,
  historyBudget,
  TRIMMED_NOTE,
  turnsBefore,
  userMessageOf,
} from "./conversation.js";
import type { RunRecord } from "../store/index.js";

const run = (id: string, topic: string, result?: string): RunRecord => ({
  id,
  crew: "c",
  status: result === undefined ? "failed" : "completed",
  inputs: { topic },
  createdAt: "2026-01-01T00:00:00.000Z",
  lastSeq: 2,
  ...(result === undefined ? {} : { result }),
});

describe("a thread's conversation", () => {
  it("takes the finished turns before the run, oldest first, skipping runs without an answer", () => {
    const runs = [run("1", "Tea", "About tea"), run("2", "Oops"), run("3", "More", "Much more")];
    expect(turnsBefore([...runs, run("4", "Now")], "4")).toEqual([
      { user: "Tea", answer: "About tea" },
      { user: "More", answer: "Much more" },
    ]);
    expect(turnsBefore(runs, "3")).toEqual([{ user: "Tea", answer: "About tea" }]);
    expect(userMessageOf({ topic: "x", year: 2026 })).toBe("topic: x\nyear: 2026");
  });

  it("keeps every turn within the budget and drops the oldest first with a note past it", () => {
    const turns = Array.from({ length: 6 }, (_, i) => ({
      user: `question ${i}`,
      answer: `answer ${i} `.repeat(20),
    }));
    const whole = conversationText(turns, 100_000);
    expect(whole.startsWith("User: question 0\nAssistant: answer 0")).toBe(true);
    expect(whole).not.toContain(TRIMMED_NOTE);
    const trimmed = conversationText(turns, 150);
    expect(trimmed.startsWith(TRIMMED_NOTE)).toBe(true);
    expect(trimmed).toContain("User: question 5");
    expect(trimmed).not.toContain("question 0");
    expect(Math.ceil(trimmed.length / 4)).toBeLessThanOrEqual(150);
    // A newest turn alone over the budget is cut, not dropped.
    const cut = conversationText([{ user: "q", answer: "word ".repeat(400) }], 100);
    expect(cut.startsWith("User: q\nAssistant: word")).toBe(true);
    expect(cut.endsWith("…")).toBe(true);
    expect(conversationText([], 100)).toBe("");
  });

  it("takes its budget from the option, else CREWSTREAM_THREAD_HISTORY_TOKENS, else 2000", () => {
    expect(historyBudget(300, { CREWSTREAM_THREAD_HISTORY_TOKENS: "900" })).toBe(300);
    expect(historyBudget(undefined, { CREWSTREAM_THREAD_HISTORY_TOKENS: "900" })).toBe(900);
    expect(historyBudget(undefined, { CREWSTREAM_THREAD_HISTORY_TOKENS: "lots" })).toBe(
      DEFAULT_HISTORY_TOKENS,
    );
    expect(historyBudget(undefined, {})).toBe(2000);
  });
});
