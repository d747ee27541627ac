/**
 * The offline model's answers: markdown shaped by the agent's role and the task, mentioning the
 * task's topic, a few hundred tokens long. Deterministic: the same prompt gives the same text.
 */
import type { OfflinePrompt } from "./offline-prompt.js";
import { capitalize, excerpt, findTopic, hashText, matchTopic, roleKind } from "./offline-topic.js";

/** First line of every offline answer, so nobody mistakes it for a real model's output. */
export const OFFLINE_LABEL = "_(offline model: deterministic demo output)_";

/** Angles on a topic; `{t}` is replaced by the topic. Worded to read well for any noun phrase. */
const ANGLES = [
  [
    "Current state",
    "Work on {t} is moving from early experiments to everyday use, and practitioners now care more about reliability than novelty.",
  ],
  [
    "Key players",
    "A handful of established organisations and a long tail of small teams shape {t}, and the small teams often ship first.",
  ],
  [
    "Recent developments",
    "The last year brought steady progress in {t}: better tooling, clearer standards and more public case studies.",
  ],
  [
    "Open problems",
    "Cost, evaluation and trust remain the hard questions in {t}, and nobody has fully answered them yet.",
  ],
  [
    "Practical impact",
    "In well-defined workflows, teams already save time with {t}; broad claims deserve a careful reading.",
  ],
  [
    "Risks",
    "Over-reliance, uneven quality and unclear accountability are the main risks that come with {t}.",
  ],
  [
    "Outlook",
    "Expect {t} to become more specialised, with small focused solutions beating one-size-fits-all approaches.",
  ],
] as const;

const CLOSERS = [
  "For readers following {t}, this changes what is practical today and what is still a bet on tomorrow.",
  "It is the part of {t} most likely to affect day-to-day decisions over the next year.",
  "Teams adopting {t} should weigh this early, before it becomes expensive to change course.",
  "This is where the debate about {t} is most lively, and where new evidence arrives fastest.",
] as const;

function fill(template: string, topic: string): string {
  return template.replaceAll("{t}", topic);
}

function pick<T>(items: readonly T[], seed: number, count: number): T[] {
  const start = seed % items.length;
  return Array.from(
    { length: Math.min(count, items.length) },
    (_, i) => items[(start + i) % items.length] as T,
  );
}

function toolNote(prompt: OfflinePrompt): string {
  const used = prompt.exchanges.filter(
    (e) => e.result !== undefined && e.toolName !== "delegate_work",
  );
  if (used.length === 0) return "";
  return (
    used.map((e) => `> Source, \`${e.toolName}\`: ${excerpt(e.result ?? "", 160)}`).join("\n") +
    "\n\n"
  );
}

/** Bullet lines (or else headings) of earlier outputs, used by writers and reviewers. */
function contextPoints(context: string): string[] {
  const bullets = [...context.matchAll(/^\s*(?:[-*•]|\d+\.)\s+(.+)$/gm)].map((m) =>
    (m[1] ?? "").replace(/\*\*/g, ""),
  );
  if (bullets.length > 0) return bullets;
  return [...context.matchAll(/^#{2,3}\s+(.+)$/gm)].map((m) => m[1] ?? "");
}

function researcher(p: OfflinePrompt, topic: string, seed: number): string {
  const Topic = capitalize(topic);
  const bullets = pick(ANGLES, seed, 6).map(
    ([title, text]) => `- **${title}:** ${fill(text, topic)}`,
  );
  return [
    `## Research findings: ${Topic}`,
    "",
    `As ${p.role}, I looked into ${topic}${p.goal ? ` with one goal in mind: ${excerpt(p.goal, 140)}` : ""}.`,
    "",
    toolNote(p) + bullets.join("\n"),
    "",
    `**Sources to check:** recent surveys, practitioner write-ups and public case studies on ${topic}.`,
    `**Confidence:** medium. These points summarise common knowledge about ${topic} and deserve a check against current sources.`,
  ].join("\n");
}

function writer(p: OfflinePrompt, topic: string, seed: number): string {
  const Topic = capitalize(topic);
  const points = contextPoints(p.context).slice(0, 5);
  const fallback = pick(ANGLES, seed, 4).map(([title, text]) => `${title}: ${fill(text, topic)}`);
  const sections = (points.length > 0 ? points : fallback).map((point, i) => {
    const [head, ...rest] = point.split(/:\s+/);
    const title = rest.length > 0 ? (head ?? point) : excerpt(point, 48);
    const body = rest.length > 0 ? rest.join(": ") : point;
    const closer = fill(CLOSERS[(seed + i) % CLOSERS.length] ?? CLOSERS[0], topic);
    return `### ${capitalize(title)}\n\n${capitalize(body)} ${closer}`;
  });
  return [
    `# ${Topic}: what you need to know`,
    "",
    `Few subjects get as much attention as ${topic}, and not all of it is deserved. This article sorts the signal from the noise and explains what is happening, who it affects and what to watch next.`,
    "",
    toolNote(p) + sections.join("\n\n"),
    "",
    "### Conclusion",
    "",
    `The story of ${topic} is neither a fad nor finished. The practical advice is to start small, measure honestly and keep watching how ${topic} matures.`,
  ].join("\n");
}

function reviewer(p: OfflinePrompt, topic: string): string {
  const reviewed = p.context || p.task;
  const words = reviewed.split(/\s+/).filter(Boolean).length;
  const headings = (reviewed.match(/^#{1,6}\s/gm) ?? []).length;
  const approve = words >= 80;
  return [
    `## Review: ${capitalize(topic)}`,
    "",
    `I reviewed the material on ${topic} (${words} words, ${headings} headings) against the brief: ${excerpt(p.expectedOutput || p.task, 160)}`,
    "",
    toolNote(p) + "**Strengths**",
    `- Covers ${topic} with a clear structure and a readable tone.`,
    "- Claims are stated plainly, without overselling.",
    "",
    "**Suggestions**",
    `- Add one concrete example or number for ${topic} to make the main point stick.`,
    "- Tighten the introduction; the first paragraph can lose a sentence.",
    "- Check every factual claim against a current source before publishing.",
    "",
    `**Verdict:** ${approve ? "approved with minor edits" : "needs another pass: the draft is too thin to publish"}.`,
  ].join("\n");
}

function generic(p: OfflinePrompt, topic: string, seed: number): string {
  const Topic = capitalize(topic);
  const steps = pick(ANGLES, seed, 4).map(
    ([title, text], i) => `${i + 1}. **${title}.** ${fill(text, topic)}`,
  );
  return [
    `## ${Topic}`,
    "",
    `Here is my answer as ${p.role} to the task: ${excerpt(p.task, 160)}`,
    "",
    toolNote(p) + steps.join("\n"),
    "",
    p.expectedOutput
      ? `This follows the expected output: ${excerpt(p.expectedOutput, 160)}`
      : `That covers ${topic}.`,
  ].join("\n");
}

/** Final answer of a hierarchical manager after every coworker answered. */
export function managerSummary(p: OfflinePrompt, topic: string): string {
  const results = p.exchanges.filter((e) => e.toolName === "delegate_work");
  const parts = results.map((e) => {
    const named =
      typeof e.input === "object" && e.input !== null
        ? (e.input as Record<string, unknown>)["coworker"]
        : undefined;
    const who = typeof named === "string" ? named : "coworker";
    return `### From ${who}\n\n${excerpt(e.result ?? "(no result)", 600)}`;
  });
  return [
    `## ${capitalize(topic)}: the crew's result`,
    "",
    `I split the task among ${results.length} coworker${results.length === 1 ? "" : "s"} and put their work together.`,
    "",
    parts.join("\n\n"),
    "",
    `**Summary:** the crew covered ${topic} from ${results.length} angle${results.length === 1 ? "" : "s"}; the sections above are the final answer.`,
  ].join("\n");
}

/** The offline answer for a prompt, starting with {@link OFFLINE_LABEL}. */
export function composeAnswer(prompt: OfflinePrompt, seed = 0): string {
  // The topic: named in the task, else the heading of earlier work, else the agent's goal.
  const contextHeading = /^#{1,3}\s+(?:[^:\n]*:\s*)?([^\n]+)$/m.exec(prompt.context)?.[1]?.trim();
  const topic =
    matchTopic(prompt.task) ??
    matchTopic(prompt.expectedOutput) ??
    contextHeading ??
    findTopic(prompt.goal, prompt.task);
  const h = hashText(prompt.fullText, seed);
  const kind = roleKind(prompt.role, prompt.goal);
  const delegated = prompt.exchanges.some((e) => e.toolName === "delegate_work");
  const body = delegated
    ? managerSummary(prompt, topic)
    : kind === "researcher"
      ? researcher(prompt, topic, h)
      : kind === "writer"
        ? writer(prompt, topic, h)
        : kind === "reviewer"
          ? reviewer(prompt, topic)
          : generic(prompt, topic, h);
  const revised = prompt.feedback
    ? `_Revised after feedback: "${excerpt(prompt.feedback, 200)}"_\n\n`
    : "";
  return `${OFFLINE_LABEL}\n\n${revised}${body}\n`;
}
