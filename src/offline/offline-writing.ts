/**
 * Offline answers of writers (a report built from the context's findings) and reviewers (the
 * revised text with a list of changes, or a review with a verdict).
 */
import type { OfflinePrompt } from "./offline-prompt.js";
import { CLOSERS, RECOMMENDATIONS, ANGLES, fill, pick } from "./offline-phrases.js";
import { type WordRange, wordCount, wordTarget } from "./offline-size.js";
import { capitalize, excerpt } from "./offline-topic.js";
import { DELEGATE_TOOL } from "../events/index.js";

/** Bullet lines (or else headings) of earlier outputs. */
function contextPoints(context: string): string[] {
  const bullets = [...context.matchAll(/^\s*(?:[-*•]|\d+\.)\s+(.+)$/gm)].map((m) =>
    (m[1] ?? "").replace(/\*\*|_\(.*?\)_/g, "").trim(),
  );
  if (bullets.length > 0) return bullets;
  return [...context.matchAll(/^#{2,3}\s+(.+)$/gm)].map((m) => m[1] ?? "");
}

/** Notes on tool results the agent received, quoted as sources. */
export function toolNote(prompt: OfflinePrompt): string {
  const used = prompt.exchanges.filter(
    (e) => e.result !== undefined && e.toolName !== DELEGATE_TOOL,
  );
  if (used.length === 0) return "";
  return (
    used.map((e) => `> Source, \`${e.toolName}\`: ${excerpt(e.result ?? "", 160)}`).join("\n") +
    "\n\n"
  );
}

/** One report section from a finding ("Title: text" or a plain sentence). */
function section(point: string, topic: string, closer: number): string {
  const [head, ...rest] = point.split(/:\s+/);
  const title = rest.length > 0 ? (head ?? point) : excerpt(point, 48);
  const body = rest.length > 0 ? rest.join(": ") : point;
  return `### ${capitalize(title)}\n\n${capitalize(body)} ${fill(CLOSERS[closer % CLOSERS.length] ?? "", topic)}`;
}

function report(p: OfflinePrompt, topic: string, sections: string[]): string {
  return [
    `# ${capitalize(topic)}: what you need to know`,
    "",
    "## Summary",
    "",
    `Few subjects get as much attention as ${topic}, and not all of it is deserved. ` +
      `This report sorts the signal from the noise in ${sections.length} theme${sections.length === 1 ? "" : "s"}. ` +
      "It ends with recommendations a team can act on this quarter.",
    "",
    toolNote(p) + sections.join("\n\n"),
    "",
    "## Recommendations",
    "",
    RECOMMENDATIONS.map((r, i) => `${i + 1}. ${fill(r, topic)}`).join("\n"),
  ].join("\n");
}

/**
 * A report: title, summary, one section per finding of the context (or per angle),
 * recommendations. Five sections by default; when the task asks for a number of words, as many
 * sections as reach a little over its minimum (more findings of the context first, then angles
 * the findings did not cover).
 */
export function writerAnswer(
  p: OfflinePrompt,
  topic: string,
  seed: number,
  words?: WordRange,
): string {
  const points = contextPoints(p.context);
  const covered = new Set(points.map((point) => point.split(/:\s+/)[0]?.toLowerCase()));
  const angles = pick(ANGLES, seed, ANGLES.length)
    .filter(([title]) => !covered.has(title.toLowerCase()))
    .map(([title, text]) => `${title}: ${fill(text, topic)}`);
  const findings = points.length > 0 ? [...points, ...angles] : angles;
  const sections = (count: number) =>
    findings.slice(0, count).map((point, i) => section(point, topic, seed + i));
  if (words === undefined) {
    return report(p, topic, sections(points.length > 0 ? Math.min(5, points.length) : 4));
  }
  const target = wordTarget(words);
  let count = 1;
  while (count < findings.length && wordCount(report(p, topic, sections(count))) < target) count++;
  return report(p, topic, sections(count));
}

/** The text under review: the context without task-key lines and offline labels. */
function reviewedText(p: OfflinePrompt): string {
  return p.context
    .split("\n")
    .filter(
      (line) => !/^_\(offline model:.*\)_$/.test(line.trim()) && !/^[\w-]+:$/.test(line.trim()),
    )
    .join("\n")
    .trim();
}

/** A reviewer returns the revised text with its changes when asked for a final version, else a review. */
export function reviewerAnswer(p: OfflinePrompt, topic: string): string {
  const text = reviewedText(p);
  const words = wordCount(text);
  const approve = words >= 80;
  const wantsFinal = /final|revised|corrected|return the/i.test(`${p.task} ${p.expectedOutput}`);
  const verdict = `**Verdict:** ${approve ? "approved with minor edits" : "needs another pass: the draft is too thin to publish"}.`;
  if (wantsFinal && text !== "") {
    return [
      text.replace(/^# (.+)$/m, (_, title: string) => `# ${title} (reviewed)`),
      "",
      "---",
      "",
      "### Changes made",
      `- Checked each claim about ${topic} against the research notes; kept only supported ones.`,
      "- Marked the title as reviewed and kept the author's structure and voice.",
      `- Confirmed the report is ${words} words long with consistent headings.`,
      "",
      verdict,
    ].join("\n");
  }
  const headings = (text.match(/^#{1,6}\s/gm) ?? []).length;
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
    verdict,
  ].join("\n");
}
