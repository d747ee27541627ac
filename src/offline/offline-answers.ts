/**
 * The offline model's answers: markdown shaped by the agent's role and the task, mentioning the
 * task's topic, a few hundred tokens long unless the task asks for a number of words, which the
 * answer then honours. Deterministic: the same prompt gives the same text.
 */
import type { OfflinePrompt } from "./offline-prompt.js";
import { ANGLES, CLOSERS, CONFIDENCE, fill, pick } from "./offline-phrases.js";
import {
  type WordRange,
  clampWords,
  requestedCount,
  requestedWords,
  wordCount,
  wordTarget,
} from "./offline-size.js";
import { capitalize, excerpt, hashText, promptTopic, roleKind } from "./offline-topic.js";
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
    `As ${p.role}, I looked into ${topic}.`,
    "",
    toolNote(p) + bullets.join("\n"),
    "",
    `**Sources to check:** recent surveys, practitioner write-ups and public case studies on ${topic}.`,
    `**Caveat:** these points summarise common knowledge; check them against current sources.`,
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
function managerSummary(p: OfflinePrompt, topic: string): string {
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

/**
 * Further notes on the topic, appended to an answer shorter than the words its task asks for:
 * one paragraph per angle (cycling through the closers) until the answer reaches `target` words.
 */
function furtherNotes(answer: string, topic: string, seed: number, target: number): string {
  const missing = target - wordCount(answer);
  if (missing <= 0) return answer;
  const paragraphs: string[] = [];
  let added = wordCount(`## More on ${topic}`);
  for (let i = 0; added < missing; i++) {
    const [title, text] = ANGLES[(seed + i) % ANGLES.length] ?? ["", ""];
    const closer = CLOSERS[(seed + i + Math.floor(i / ANGLES.length)) % CLOSERS.length] ?? "";
    const paragraph = `**${title}.** ${fill(text, topic)} ${fill(closer, topic)}`;
    paragraphs.push(paragraph);
    added += wordCount(paragraph);
  }
  return `${answer}\n\n## More on ${topic}\n\n${paragraphs.join("\n\n")}`;
}

/**
 * A line showing that the answer follows up on the thread's conversation: the previous
 * question and how the previous answer began. "" without a conversation.
 */
function followUpNote(conversation: string): string {
  if (conversation.trim() === "") return "";
  const turns = [
    ...conversation.matchAll(/^User: ([^\n]*)\nAssistant: ([\s\S]*?)(?=\n+User: |(?![\s\S]))/gm),
  ];
  const last = turns.at(-1);
  if (!last) return "_Following up on our conversation so far._\n\n";
  const asked = excerpt(last[1] ?? "", 100);
  const began = (last[2] ?? "")
    .split(/\r?\n/)
    .map((line) => line.replace(/^[#>*\s-]+/, "").trim())
    .find((line) => line !== "" && !line.startsWith("_(offline model"));
  const previous = began === undefined ? "" : `; my previous answer began "${excerpt(began, 100)}"`;
  return `_Following up on our conversation: you asked "${asked}"${previous}._\n\n`;
}

/** A line showing what the agent recalled from long-term memory. "" when nothing was. */
function recallNote(memories: string): string {
  const first = memories
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*-\s*/, "").trim())
    .find((line) => line !== "");
  return first === undefined ? "" : `_I remember from an earlier run: ${excerpt(first, 160)}_\n\n`;
}

/** The offline answer for a prompt, starting with {@link OFFLINE_LABEL}. */
export function composeAnswer(prompt: OfflinePrompt, seed = 0): string {
  const topic = promptTopic(prompt);
  const words: WordRange | undefined = requestedWords(`${prompt.expectedOutput}\n${prompt.task}`);
  const h = hashText(prompt.fullText, seed);
  const kind = roleKind(prompt.role, prompt.goal);
  const delegated = prompt.exchanges.some((e) => e.toolName === DELEGATE_TOOL);
  const body = delegated
    ? managerSummary(prompt, topic)
    : kind === "researcher"
      ? researcher(prompt, topic, h)
      : kind === "writer"
        ? writerAnswer(prompt, topic, h, words)
        : kind === "reviewer"
          ? reviewerAnswer(prompt, topic)
          : generic(prompt, topic, h);
  const revised = prompt.feedback
    ? `_Revised after feedback: "${excerpt(prompt.feedback, 200)}"_\n\n`
    : "";
  const answer = `${OFFLINE_LABEL}\n\n${followUpNote(prompt.conversation)}${recallNote(prompt.memories)}${revised}${body}`;
  if (words === undefined) return `${answer}\n`;
  // The label and the feedback note count too: the whole answer is what the reader measures.
  return `${clampWords(furtherNotes(answer, topic, h, wordTarget(words)), words.max)}\n`;
}
