/**
 * Short-term memory of a thread: what a run in a thread is told of the conversation so far.
 * Each earlier turn is the user's message (the run's inputs) and the crew's final answer; the
 * oldest turns are dropped first to fit a token budget, and the text says when some were.
 */
import type { Inputs } from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";

/** Default token budget of a thread's conversation (`CREWSTREAM_THREAD_HISTORY_TOKENS`). */
export const DEFAULT_HISTORY_TOKENS = 2000;

/**
 * The token budget in force: `configured` when given, else `CREWSTREAM_THREAD_HISTORY_TOKENS`
 * when it is a positive integer, else {@link DEFAULT_HISTORY_TOKENS}.
 */
export function historyBudget(configured?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (configured !== undefined) return configured;
  const fromEnv = Number(env.CREWSTREAM_THREAD_HISTORY_TOKENS);
  return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_HISTORY_TOKENS;
}

/** Rough token count of English text: about four characters a token. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** One earlier turn of a thread. */
export interface ConversationTurn {
  user: string;
  answer: string;
}

/** The note that replaces dropped turns. */
export const TRIMMED_NOTE = "(Earlier turns of this conversation were left out to keep it short.)";

/** The user's message of a run: its only input, or its inputs as `key: value` lines. */
export function userMessageOf(inputs: Inputs): string {
  const entries = Object.entries(inputs);
  if (entries.length === 1) return String(entries[0]![1]);
  return entries.map(([key, value]) => `${key}: ${String(value)}`).join("\n");
}

/** The finished turns of `runs` before `runId`, oldest first (runs without an answer are skipped). */
export function turnsBefore(runs: readonly RunRecord[], runId: string): ConversationTurn[] {
  const turns: ConversationTurn[] = [];
  for (const run of runs) {
    if (run.id === runId) break;
    if (run.status !== "completed" || run.result === undefined) continue;
    turns.push({ user: userMessageOf(run.inputs), answer: run.result });
  }
  return turns;
}

function turnText(turn: ConversationTurn): string {
  return `User: ${turn.user.trim()}\nAssistant: ${turn.answer.trim()}`;
}

/**
 * The conversation as prompt text within `budgetTokens`: the newest turns that fit, oldest
 * first, after {@link TRIMMED_NOTE} when some were dropped. A newest turn that alone is over
 * the budget is cut at its end. "" when there are no turns.
 */
export function conversationText(
  turns: readonly ConversationTurn[],
  budgetTokens = DEFAULT_HISTORY_TOKENS,
): string {
  const kept: string[] = [];
  let used = estimateTokens(TRIMMED_NOTE);
  for (let i = turns.length - 1; i >= 0; i -= 1) {
    const text = turnText(turns[i]!);
    const cost = estimateTokens(text) + 1;
    if (used + cost > budgetTokens) {
      if (kept.length === 0) {
        const room = Math.max(0, (budgetTokens - used) * 4 - 1);
        if (room > 40) kept.unshift(`${text.slice(0, room)}…`);
      }
      break;
    }
    kept.unshift(text);
    used += cost;
  }
  if (kept.length === 0) return turns.length === 0 ? "" : TRIMMED_NOTE;
  return kept.length < turns.length ? [TRIMMED_NOTE, ...kept].join("\n\n") : kept.join("\n\n");
}

/** The conversation a run of thread `threadId` is given, read from the store. */
export async function conversationFor(
  store: RunStore,
  threadId: string,
  runId: string,
  budgetTokens = historyBudget(),
): Promise<string> {
  const thread = await store.getThread(threadId);
  return thread ? conversationText(turnsBefore(thread.runs, runId), budgetTokens) : "";
}
