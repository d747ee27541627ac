/**
 * Prompt text of agents, tasks, delegation and human feedback, laid out as CrewAI lays it out
 * (so crews ported from CrewAI behave alike, and the offline model can read the sections).
 */
import type { AgentDefinition, TaskDefinition } from "../crew/index.js";
import { firstNonEmptyLine, formatDate } from "../util/index.js";

/** An earlier task's output handed to a later task as context. */
export interface ContextOutput {
  /** The earlier task's key. */
  task: string;
  /** Its final output. */
  output: string;
}

/** The system prompt of an agent: who it is and what it wants. */
export function agentSystemPrompt(
  agent: Pick<AgentDefinition, "role" | "goal" | "backstory">,
): string {
  return [
    `You are ${agent.role}. ${agent.backstory}`.trim(),
    `Your personal goal is: ${agent.goal}`,
  ].join("\n");
}

/** Label of the long-term memory section of a task prompt (the offline model reads it). */
const MEMORY_LABEL = "This is what you remember from earlier runs";

/** Label of the conversation section of a task prompt (the offline model reads it). */
const CONVERSATION_LABEL = "This is the conversation so far";

/**
 * `task` as `agent` is given it: with the current date after its description when the agent
 * has `injectDate` (CrewAI's `inject_date`, which appends "Current Date: ..." the same way).
 */
export function taskFor<T extends { description: string }>(
  task: T,
  agent: Pick<AgentDefinition, "injectDate" | "dateFormat">,
  now: Date = new Date(),
): T {
  if (agent.injectDate !== true) return task;
  const date = formatDate(now, agent.dateFormat ?? "%Y-%m-%d");
  return { ...task, description: `${task.description}\n\nCurrent Date: ${date}` };
}

/**
 * The user prompt of a task: what to do, what the answer must look like, context, and the
 * thread's conversation so far (short-term memory) when the run is a turn of one.
 */
export function taskPrompt(
  task: Pick<TaskDefinition, "description" | "expectedOutput"> &
    Partial<Pick<TaskDefinition, "outputSchema" | "markdown">>,
  context: readonly ContextOutput[] | string,
  conversation = "",
  memories = "",
): string {
  const contextText =
    typeof context === "string"
      ? context
      : context.map((item) => `${item.task}:\n${item.output}`).join("\n\n");
  const parts = [
    `Current Task: ${task.description}`,
    "",
    `This is the expected criteria for your final answer: ${task.expectedOutput}`,
    "You MUST return the actual complete content as the final answer, not a summary.",
  ];
  if (task.outputSchema !== undefined) {
    parts.push(
      "Your final answer MUST be one JSON object that matches the required schema, with no text around it.",
    );
  } else if (task.markdown === true) {
    parts.push(
      "Your final answer MUST be formatted in Markdown: headers, lists and emphasis where they help.",
    );
  }
  if (contextText.trim() !== "") {
    parts.push("", `This is the context you're working with:\n${contextText}`);
  }
  if (memories.trim() !== "") {
    parts.push("", `${MEMORY_LABEL}:\n${memories}`);
  }
  if (conversation.trim() !== "") {
    parts.push(
      "",
      `${CONVERSATION_LABEL}:\n(Earlier messages and your final answers, oldest first. The current task answers the newest message: follow up on what was said.)\n${conversation}`,
    );
  }
  parts.push(
    "",
    "Begin! This is VERY important to you, use the tools available and give your best Final Answer.",
  );
  return parts.join("\n");
}

/** The expected output of work the manager delegated (CrewAI's wording). */
export const DELEGATED_EXPECTED_OUTPUT =
  "Your best answer to your coworker asking you this, accounting for the context shared.";

/** Description of the manager's `delegate_work` tool, listing the coworkers. */
export function delegateToolDescription(
  coworkers: ReadonlyArray<{ key: string; role: string }>,
): string {
  const list = coworkers.map((c) => `${c.key} (${c.role})`).join(", ");
  return [
    `Delegate a specific task to one of the following coworkers: ${list}.`,
    "The input must name the coworker, the task you want them to do, and ALL necessary context to execute the task:",
    "they know nothing about the task, so share absolutely everything you know; don't reference things, explain them.",
  ].join("\n");
}

/** The message that asks an agent to revise its answer after human feedback. */
export function feedbackPrompt(feedback: string): string {
  return [
    `A human reviewed your final answer and gave this feedback:\n${feedback}`,
    "",
    "Revise your final answer to take the feedback into account. Return the complete revised answer.",
  ].join("\n");
}

/** What a human is asked when a task has `human_input: true`. */
export function humanReviewPrompt(taskKey: string, draft: string): string {
  return [
    `Task "${taskKey}" produced this draft:`,
    "",
    draft,
    "",
    "Reply with feedback to improve it, or send an empty answer to accept it as is.",
  ].join("\n");
}

/** Asks for a final answer once an agent has used all its iterations. */
export const FINAL_ANSWER_NUDGE =
  "You have used all your tool calls. Give your best complete final answer now, using what you have gathered.";

/** An `agent.step`'s text: the answer's or reasoning's first line with content, cut to `max` characters. */
export function summaryLine(text: string, max = 120): string {
  // A JSON answer's first line is only "{": its summary is the JSON on one line.
  const trimmed = text.trimStart();
  const line =
    trimmed.startsWith("{") || trimmed.startsWith("[")
      ? trimmed.replace(/\s+/g, " ").trim()
      : firstNonEmptyLine(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The message that asks an agent to try again after its output failed a check. */
export function retryPrompt(feedback: string): string {
  return [
    `Your previous answer was rejected:\n${feedback}`,
    "",
    "Give your complete final answer again, fixing exactly these points.",
  ].join("\n");
}

/** System prompt of a sentence guardrail's check. */
export const GUARDRAIL_REVIEWER =
  "You are a strict reviewer. You check whether a task's output meets a requirement and answer with a verdict.";

/** The prompt of a sentence guardrail's check (the offline model reads its `Requirement:` line). */
export function guardrailCheckPrompt(requirement: string, output: string, attempt: number): string {
  return [
    `Requirement: ${requirement}`,
    `Attempt: ${attempt}`,
    "",
    "Output to check:",
    output,
    "",
    'Answer with a JSON object {"ok": boolean, "feedback": string}: ok is true only if the output fully meets the requirement; feedback says what to change (or why it passes).',
  ].join("\n");
}
