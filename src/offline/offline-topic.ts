/**
 * Small text helpers of the offline model: finding the topic of a task, classifying an agent's
 * role, and a stable hash for deterministic choices.
 */
import type { OfflinePrompt } from "./offline-prompt.js";

const STOPWORDS = new Set(
  (
    "a an the and or but of for to in on at by with about into from as is are was were be been it its this that " +
    "these those your you our we i me my their them they he she his her make sure find any all each every " +
    "current year given relevant interesting information thorough research conduct review write expand " +
    "report topic topics section sections full list bullet points most using use based own output final " +
    "answer task context get got provide create give short detailed new latest"
  ).split(" "),
);

/** Kinds of agents the offline model writes differently for. */
export type RoleKind = "researcher" | "writer" | "reviewer" | "manager" | "generic";

/** Classifies an agent by its role and goal text. */
export function roleKind(role: string, goal = ""): RoleKind {
  // The head of a role ("... Technical Writer") decides first: roles often start with the topic.
  const head = role.trim().split(/\s+/).slice(-2).join(" ").toLowerCase();
  const kind = roleKindOf(head);
  return kind === "generic" ? roleKindOf(role.toLowerCase(), goal.toLowerCase()) : kind;
}

function roleKindOf(r: string, goal = ""): RoleKind {
  const text = `${r} ${goal}`;
  if (/review|critic|editor|quality|audit|fact.?check|proofread/.test(r)) return "reviewer";
  if (/manag|lead|coordinat|director|orchestr/.test(r)) return "manager";
  // Writers first: "Reporting Analyst" writes the report, "Research Analyst" researches.
  if (/writ|report|author|journalist|blog|copy|content/.test(r)) return "writer";
  if (/research|analy|investigat|scout|search/.test(r)) return "researcher";
  if (/review|critic|quality/.test(text)) return "reviewer";
  if (/research|analy|find|investigat/.test(text)) return "researcher";
  if (/writ|report|article|draft/.test(text)) return "writer";
  return "generic";
}

/** FNV-1a 32-bit hash: a stable number for a text, so choices are deterministic. */
export function hashText(text: string, seed = 0): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Content words of a text in order of first appearance, without stopwords or duplicates. */
function keywords(text: string, limit = 6): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const raw of text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []) {
    const word = raw.toLowerCase();
    if (word.length < 3 || STOPWORDS.has(word) || seen.has(word) || /^\d+$/.test(word)) continue;
    seen.add(word);
    words.push(raw);
    if (words.length >= limit) break;
  }
  return words;
}

/**
 * The topic of a task whose topic is missing or meaningless (an empty or one-letter `{topic}`):
 * a plain placeholder, rather than words picked from the task's instructions.
 */
export const GENERIC_TOPIC = "the requested topic";

const TOPIC_PATTERNS = [
  /\b(?:about|regarding|concerning|on the topic of|on)\s+(?:the\s+)?([^.,;:!?\n]+)/i,
  /\b(?:research|investigate|analy[sz]e|study|explore|review|summari[sz]e|write an? (?:\w+ )?(?:article|report|post) (?:about|on))\s+(?:the\s+)?([^.,;:!?\n]+)/i,
];

/** Where a topic belongs but nothing follows: "about ." or a sentence "Research ." */
const EMPTY_SLOT =
  /\b(?:about|regarding|concerning|on the topic of)\s*(?=[.,;:!?)\n]|$)|(?:^|[.!?]\s+)(?:research|investigate|study|explore)\s*(?=[.,;:!?\n]|$)/i;

/** Trims a candidate topic phrase to its first few words and drops trailing filler words. */
function tidyPhrase(phrase: string): string {
  const words = phrase
    .split(
      /(?:^|\s+)(?:and|or|with|from|by)\s+|\s+(?:to|for|that|which|in order|using|based on|given|so that|because)\s+/i,
    )[0]!
    .trim()
    .split(/\s+/)
    .slice(0, 6);
  while (words.length > 1 && STOPWORDS.has((words.at(-1) ?? "").toLowerCase())) words.pop();
  while (words.length > 1 && /^(the|a|an)$/i.test(words[0] ?? "")) words.shift();
  return words
    .join(" ")
    .replace(/["'`*_]+/g, "")
    .trim();
}

/** A phrase can be a topic when it has a word of two or more characters that is not filler ("AI" is, "x" is not). */
function isTopic(phrase: string): boolean {
  return (phrase.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).some(
    (word) => word.length >= 2 && !STOPWORDS.has(word.toLowerCase()),
  );
}

/** The phrase after "about"/"on"/"research ..." in a text, or undefined when there is none. */
function matchTopic(text: string): string | undefined {
  for (const pattern of TOPIC_PATTERNS) {
    const phrase = pattern.exec(text)?.[1];
    if (phrase) {
      const tidy = tidyPhrase(phrase);
      if (isTopic(tidy)) return tidy;
    }
  }
  return undefined;
}

/**
 * Whether a text has a place for its topic with no usable topic in it ("research x.",
 * "a report about ."), as when a crew runs with an empty or one-letter `{topic}`.
 */
function hasBlankTopic(text: string): boolean {
  if (matchTopic(text) !== undefined) return false;
  if (EMPTY_SLOT.test(text)) return true;
  return TOPIC_PATTERNS.some((pattern) => {
    const phrase = pattern.exec(text)?.[1];
    return phrase !== undefined && !isTopic(tidyPhrase(phrase));
  });
}

/**
 * The topic of a task: the first text with a phrase after "about"/"on"/"research", else
 * {@link GENERIC_TOPIC} when a text has a blank where its topic belongs, else the first content
 * words of the texts. Never empty.
 */
export function findTopic(...texts: string[]): string {
  for (const text of texts) {
    const topic = matchTopic(text);
    if (topic) return topic;
  }
  if (texts.some(hasBlankTopic)) return GENERIC_TOPIC;
  const words = keywords(texts.join(" "), 3);
  return words.length > 0 ? words.join(" ") : GENERIC_TOPIC;
}

/**
 * The topic an offline answer is about: named in the task or its expected output, else (unless
 * those have a blank where the topic belongs) the heading of earlier work, else the agent's goal.
 */
export function promptTopic(
  prompt: Pick<OfflinePrompt, "task" | "expectedOutput" | "context" | "goal">,
): string {
  const named = matchTopic(prompt.task) ?? matchTopic(prompt.expectedOutput);
  if (named !== undefined) return named;
  if (hasBlankTopic(prompt.task) || hasBlankTopic(prompt.expectedOutput)) return GENERIC_TOPIC;
  const contextHeading = /^#{1,3}\s+(?:[^:\n]*:\s*)?([^\n]+)$/m.exec(prompt.context)?.[1]?.trim();
  return contextHeading || findTopic(prompt.goal, prompt.task);
}

/** Uppercases the first letter. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Shortens text to at most `max` characters on a word boundary, adding an ellipsis. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Splits text into stream tokens: each word with the whitespace before it. Joined, they equal the text. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}
