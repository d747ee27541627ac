/**
 * The token attribution rule of the progress model, for one task: every token belongs to the
 * task it was produced in and to the agent that produced it (a hierarchical run's manager, and
 * a coworker for the work delegated to it).
 *
 * A task's ledger holds, per agent, the usage the model reported (`agent.step`'s usage) and the
 * text chunks streamed since that agent's last reported step, each counted as one output token
 * until the model's figure replaces it. `task.end` and `run.end` carry the producer's totals:
 * they win over the estimates, and what they add beyond the reported steps is shared among the
 * agents in proportion to the text each streamed, so the agents always add up to the task.
 *
 * Tokens of events that name no agent, in a task without an owner, are kept under the key ""
 * (the task's alone). Pure functions over plain JSON data: a ledger is never changed, a new
 * one is returned.
 */
import { addUsage, ZERO_USAGE, type Usage } from "./protocol.js";
import type { TokenCount } from "./run-summary.js";

/** One agent's tokens in one task. */
interface LedgerEntry {
  /** Usage reported by the model (or the producer's totals). */
  reported: Usage;
  /** Text chunks streamed and not yet covered by `reported`: estimated output tokens. */
  streamed: number;
}

/** A task's tokens by agent key, plus whether the producer said its totals are estimated. */
export interface TokenLedger {
  entries: Record<string, LedgerEntry>;
  /** The producer marked the task's usage as partly estimated (`task.end`'s `estimated`). */
  estimated: boolean;
}

/** A ledger with no tokens. */
export const EMPTY_LEDGER: TokenLedger = Object.freeze({ entries: {}, estimated: false });

const EMPTY_ENTRY: LedgerEntry = { reported: ZERO_USAGE, streamed: 0 };

function entryUsage(entry: LedgerEntry): Usage {
  return addUsage(entry.reported, { inputTokens: 0, outputTokens: entry.streamed });
}

/** One streamed text chunk of `agent`. */
export function recordChunk(ledger: TokenLedger, agent: string): TokenLedger {
  const entry = ledger.entries[agent] ?? EMPTY_ENTRY;
  return {
    ...ledger,
    entries: { ...ledger.entries, [agent]: { ...entry, streamed: entry.streamed + 1 } },
  };
}

/** A model step of `agent` reported its usage: it replaces the estimate of what it streamed. */
export function recordStep(ledger: TokenLedger, agent: string, usage: Usage): TokenLedger {
  const entry = ledger.entries[agent] ?? EMPTY_ENTRY;
  return {
    ...ledger,
    entries: {
      ...ledger.entries,
      [agent]: { reported: addUsage(entry.reported, usage), streamed: 0 },
    },
  };
}

/**
 * The producer's total for the task (`task.end`, or the share of `run.end` a cut-short task
 * gets). What it adds to the reported steps goes to the agents that streamed unreported text
 * (else to `fallback`); a total below the reported steps replaces them, shared by what each
 * reported. Either way the estimates are settled and the entries add up to `total`, except
 * for a zero total after streamed text, which is taken as "nothing measured".
 */
export function settle(
  ledger: TokenLedger,
  total: Usage,
  estimated: boolean,
  fallback: string | undefined,
): TokenLedger {
  const keys = Object.keys(ledger.entries);
  // A zero total after streamed text means the producer measured nothing (a process crew
  // before it reported usage): keep counting the text, as an estimate.
  if (
    total.inputTokens === 0 &&
    total.outputTokens === 0 &&
    keys.some((k) => (ledger.entries[k]?.streamed ?? 0) > 0)
  )
    return { ...ledger, estimated: true };
  const reported = keys.reduce(
    (sum, k) => addUsage(sum, ledger.entries[k]?.reported ?? ZERO_USAGE),
    ZERO_USAGE,
  );
  const extra = {
    inputTokens: total.inputTokens - reported.inputTokens,
    outputTokens: total.outputTokens - reported.outputTokens,
  };
  const entries: Record<string, LedgerEntry> = {};
  if (extra.inputTokens >= 0 && extra.outputTokens >= 0) {
    const weights = new Map(keys.map((k) => [k, ledger.entries[k]?.streamed ?? 0] as const));
    if (![...weights.values()].some((w) => w > 0)) {
      // Nobody streamed: the tokens are the owner's, or the task's alone ("") when it has none.
      weights.set(fallback ?? keys.at(-1) ?? "", 1);
    }
    const shares = split(extra, weights);
    for (const k of new Set([...keys, ...shares.keys()])) {
      entries[k] = {
        reported: addUsage(ledger.entries[k]?.reported ?? ZERO_USAGE, shares.get(k) ?? ZERO_USAGE),
        streamed: 0,
      };
    }
  } else {
    const weights = new Map(
      keys.map((k) => {
        const r = ledger.entries[k]?.reported ?? ZERO_USAGE;
        return [k, r.inputTokens + r.outputTokens] as const;
      }),
    );
    const shares = split(total, weights);
    for (const k of keys) entries[k] = { reported: shares.get(k) ?? ZERO_USAGE, streamed: 0 };
  }
  return { entries, estimated: ledger.estimated || estimated };
}

/** The task's tokens. */
export function ledgerTotal(ledger: TokenLedger): TokenCount {
  let usage = ZERO_USAGE;
  let streamed = false;
  for (const entry of Object.values(ledger.entries)) {
    usage = addUsage(usage, entryUsage(entry));
    if (entry.streamed > 0) streamed = true;
  }
  return { usage, estimated: ledger.estimated || streamed };
}

/** The tokens of `agent` in the task, or undefined when it produced none. */
export function ledgerShare(ledger: TokenLedger, agent: string): TokenCount | undefined {
  const entry = ledger.entries[agent];
  if (entry === undefined) return undefined;
  return { usage: entryUsage(entry), estimated: ledger.estimated || entry.streamed > 0 };
}

/** Adds token counts. */
export function addTokens(a: TokenCount, b: TokenCount): TokenCount {
  return { usage: addUsage(a.usage, b.usage), estimated: a.estimated || b.estimated };
}

/** Splits `usage` by weight; rounding leftovers go to the heaviest share. */
function split(usage: Usage, weights: Map<string, number>): Map<string, Usage> {
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const result = new Map<string, Usage>();
  if (total === 0) return result;
  let heaviest: string | undefined;
  let given: Usage = ZERO_USAGE;
  for (const [key, weight] of weights) {
    const share = {
      inputTokens: Math.floor((usage.inputTokens * weight) / total),
      outputTokens: Math.floor((usage.outputTokens * weight) / total),
    };
    result.set(key, share);
    given = addUsage(given, share);
    if (heaviest === undefined || weight > (weights.get(heaviest) ?? 0)) heaviest = key;
  }
  if (heaviest !== undefined) {
    const rest = {
      inputTokens: usage.inputTokens - given.inputTokens,
      outputTokens: usage.outputTokens - given.outputTokens,
    };
    result.set(heaviest, addUsage(result.get(heaviest) ?? ZERO_USAGE, rest));
  }
  return result;
}
