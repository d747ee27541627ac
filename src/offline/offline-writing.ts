/**
 * Offline answers of writers (a report built from the context's findings) and reviewers (the
 * revised text with a list of changes, or a review with a verdict).
 */
import type { OfflinePrompt } from "./offline-prompt.js";
import { CLOSERS, RECOMMENDATIONS, ANGLES, fill, pick } from "./offline-phrases.js";
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

/** A report: title, summary, one section per finding of the context (or per angle), recommendations. */
export function writerAnswer(p: OfflinePrompt, topic: string, seed: number): string {
  const Topic = capitalize(topic);
  const points = contextPoints(p.context).slice(0, 5);
  const fallback = pick(ANGLES, seed, 4).map(([title, text]) => `${title}: ${fill(text, topic)}`);
  const sections = (points.length > 0 ? points : fallback).map((point, i) => {
    const [head, ...rest] = point.split(/:\s+/);
    const title = rest.length > 0 ? (head ?? point) : excerpt(point, 48);
    const body = rest.length > 0 ? rest.join(": ") : point;
    return `### ${capitalize(title)}\n\n${capitalize(body)} ${fill(CLOSERS[(seed + i) % CLOSERS.length] ?? "", topic)}`;
  });
  return [
    `# ${Topic}: what you need to know`,
    "",
    "## Summary",
    "",
    `Few subjects get as much attention as ${topic}, and not all of it is deserved. ` +
      `This report sorts the signal from the noise in ${sections.length} themes. ` +
      "It ends with recommendations a team can act on this quarter.",
    "",
    toolNote(p) + sections.join("\n\n"),
    "",
    "## Recommendations",
    "",
    RECOMMENDATIONS.map((r, i) => `${i + 1}. ${fill(r, topic)}`).join("\n"),
  ].join("\n");
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
  const words = text.split(/\s+/).filter(Boolean).length;
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
