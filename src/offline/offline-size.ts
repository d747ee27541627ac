/**
 * The size of answer a task asks for, read from its description and expected output: how many
 * items ("8 to 12 findings", "10 bullet points") and how many words ("400 to 700 words", "at
 * least 300 words", "under 150 words", "a 500-word essay"), and the helpers that make an
 * offline answer fit that size.
 */

/** A number of words an answer must have: `min` to `max`, both inclusive. */
export interface WordRange {
  min: number;
  max: number;
}

/** Longest answer the offline model writes, whatever the task asks for. */
export const MAX_OFFLINE_WORDS = 3000;

const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+|\d+)`;
const WORDS = String.raw`[\s-]*words?\b`;
const RANGE = new RegExp(
  String.raw`${NUMBER}\s*(?:to|-|–|—|and)\s*${NUMBER}${WORDS}|between\s+${NUMBER}\s+and\s+${NUMBER}${WORDS}`,
  "gi",
);
const AT_LEAST = new RegExp(
  String.raw`(?:at least|a minimum of|minimum|no (?:fewer|less) than|(?<!no |not )more than|over)\s+${NUMBER}${WORDS}`,
  "gi",
);
const AT_MOST = new RegExp(
  String.raw`(?:at most|up to|no more than|not more than|under|(?<!no |not )(?:fewer|less) than|a maximum of|maximum|max\.?|within)\s+${NUMBER}${WORDS}`,
  "gi",
);
const ABOUT = new RegExp(`${NUMBER}${WORDS}`, "gi");

/** A limit on each item or on a title ("each under 20 words") is not the answer's length. */
const PER_PART = /\b(?:each|every|per|title|heading|headline|sentence|line)\b/i;

/** The first match of `pattern` that is about the whole answer, not about each part of it. */
function wholeAnswerMatch(text: string, pattern: RegExp): RegExpMatchArray | undefined {
  for (const match of text.matchAll(pattern)) {
    const clause =
      text
        .slice(0, match.index)
        .split(/[.;:\n]/)
        .at(-1) ?? "";
    if (!PER_PART.test(clause.split(/,|\b(?:with|and)\b/).at(-1) ?? "")) return match;
  }
  return undefined;
}

const toNumber = (text: string | undefined): number => Number((text ?? "").replaceAll(",", ""));

function bounded(min: number, max: number): WordRange | undefined {
  const low = Math.min(Math.max(0, min), MAX_OFFLINE_WORDS);
  const high = Math.min(Math.max(low, max), MAX_OFFLINE_WORDS);
  return high > 0 ? { min: low, max: high } : undefined;
}

/**
 * The word count a text asks for, or undefined when it names none. A bare number ("a 500-word
 * essay", "about 300 words") allows 10% either way; "at least N" allows up to half as much again.
 */
export function requestedWords(text: string): WordRange | undefined {
  const range = wholeAnswerMatch(text, RANGE);
  if (range) {
    const a = toNumber(range[1] ?? range[3]);
    const b = toNumber(range[2] ?? range[4]);
    return bounded(Math.min(a, b), Math.max(a, b));
  }
  const atLeast = wholeAnswerMatch(text, AT_LEAST);
  if (atLeast) {
    const n = toNumber(atLeast[1]);
    return bounded(n, Math.round(n * 1.5));
  }
  const atMost = wholeAnswerMatch(text, AT_MOST);
  if (atMost) return bounded(0, toNumber(atMost[1]));
  const about = wholeAnswerMatch(text, ABOUT);
  if (about) {
    const n = toNumber(about[1]);
    return bounded(Math.round(n * 0.9), Math.round(n * 1.1));
  }
  return undefined;
}

/**
 * How many words to aim for: a little above the minimum, so the answer is inside the range
 * with room to spare yet as short as allowed (the offline model streams at a real model's pace).
 */
export function wordTarget(range: WordRange): number {
  return Math.min(range.max, range.min + Math.ceil((range.max - range.min) / 20));
}

/** Words of a text as a reader counts them: markdown marks like `-`, `###` and `1.` are not words. */
export function wordCount(text: string): number {
  return (text.match(/\S+/g) ?? []).filter(
    (token) => /[\p{L}\p{N}]/u.test(token) && !/^\d+[.)]$/.test(token),
  ).length;
}

/**
 * The text cut to at most `max` words: whole lines while they fit, then the next line up to its
 * last full sentence that fits. Never cuts inside a word; an answer already short enough is
 * returned as it is.
 */
export function clampWords(text: string, max: number): string {
  if (wordCount(text) <= max) return text;
  const kept: string[] = [];
  let used = 0;
  for (const line of text.split("\n")) {
    const words = wordCount(line);
    if (used + words <= max) {
      kept.push(line);
      used += words;
      continue;
    }
    const sentences = line.match(/[^.!?]+[.!?]+(?:\s+|$)|[^.!?]+$/g) ?? [];
    let partial = "";
    for (const sentence of sentences) {
      if (used + wordCount(partial + sentence) > max) break;
      partial += sentence;
    }
    if (wordCount(partial) > 0) kept.push(partial.trimEnd());
    break;
  }
  return kept.join("\n").trimEnd();
}

/** How many items the expected output asks for ("8 to 12 findings", "5 bullet points"), within 3..12. */
export function requestedCount(text: string, fallback: number): number {
  const range =
    /(\d+)\s*(?:to|-|–)\s*(\d+)\s+(?:\w+\s+)?(?:bullet|finding|point|item|idea|fact)/i.exec(text);
  const single = /(\d+)\s+(?:\w+\s+)?(?:bullet|finding|point|item|idea|fact)/i.exec(text);
  const wanted = range ? Number(range[1]) : single ? Number(single[1]) : fallback;
  return Math.min(12, Math.max(3, wanted));
}
