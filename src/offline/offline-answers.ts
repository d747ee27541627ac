/**
 * The offline model's answers: markdown shaped by the agent's role and the task, mentioning the
 * task's topic, a few hundred tokens long. Deterministic: the same prompt gives the same text.
 */
import type { OfflinePrompt } from "./offline-prompt.js";
import { ANGLES, CONFIDENCE, fill, pick, requestedCount } from "./offline-phrases.js";
import { capitalize, excerpt, findTopic, hashText, matchTopic, roleKind } from "./offline-topic.js";
import { reviewerAnswer, toolNote, writerAnswer } from "./offline-writing.js";
import { DELEGATE_TOOL } from "../events/index.js";

/** First line of every offline answer, so nobody mistakes it for a real model's output. */
export const OFFLINE_LABEL = "_(offline model: deterministic demo output)_";

function researcher(p: OfflinePrompt, topic: string, seed: number): string {
  const brief = `${p.task} ${p.expectedOutput}`;
  const count = requestedCount(p.expectedOutput || p.task, 6);
  const withConfidence = /confiden/i.test(brief);
  const bullets = pick(ANGLES, seed, count).map(([title, text], i) => {
    const confidence = withConfidence
      ? ` _(confidence ${CONFIDENCE[(seed + i) % CONFIDENCE.length] ?? ""})_`
      : "";
    return `- **${title}:** ${fill(text, topic)}${confidence}`;
  });
  return [
    `## Research findings: ${capitalize(topic)}`,
    "",
    `As ${p.role}, I looked into ${topic}${p.goal ? ` with one goal in mind: ${excerpt(p.goal, 200).replace(/[.…]+$/, "")}` : ""}.`,
    "",
    toolNote(p) + bullets.join("\n"),
    "",
    `**Sources to check:** recent surveys, practitioner write-ups and public case studies on ${topic}.`,
    `**Caveat:** these points summarise common knowledge about ${topic} and deserve a check against current sources.`,
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
  const results = p.exchanges.filter((e) => e.toolName === DELEGATE_TOOL);
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
  const delegated = prompt.exchanges.some((e) => e.toolName === DELEGATE_TOOL);
  const body = delegated
    ? managerSummary(prompt, topic)
    : kind === "researcher"
      ? researcher(prompt, topic, h)
      : kind === "writer"
        ? writerAnswer(prompt, topic, h)
        : kind === "reviewer"
          ? reviewerAnswer(prompt, topic)
          : generic(prompt, topic, h);
  const revised = prompt.feedback
    ? `_Revised after feedback: "${excerpt(prompt.feedback, 200)}"_\n\n`
    : "";
  return `${OFFLINE_LABEL}\n\n${revised}${body}\n`;
}
