/**
 * The crew of the end-to-end benchmark, in both forms: as a crew folder (YAML) that
 * crewstream serves, and as the same three prompts sent with the raw AI SDK in sequence, each
 * getting the previous answer as context (the floors: in-process, and behind an SSE relay).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LanguageModel } from "ai";
import { streamText } from "ai";

/** The agents' keys, in task order. */
export const AGENTS = ["researcher", "writer", "reviewer"] as const;

/** The crew's name in the crews folder. */
export const CREW_NAME = "trio";

/** Writes `<dir>/trio/{crew,agents,tasks}.yaml`; answers `dir` (the crews folder). */
export function writeCrewsFolder(dir: string): string {
  const crew = join(dir, CREW_NAME);
  mkdirSync(crew, { recursive: true });
  writeFileSync(join(crew, "crew.yaml"), `name: ${CREW_NAME}\nprocess: sequential\n`);
  writeFileSync(
    join(crew, "agents.yaml"),
    AGENTS.map(
      (agent) =>
        `${agent}:\n  role: ${agent} of {topic}\n  goal: Do the ${agent} part about {topic}\n  backstory: An experienced ${agent}.\n`,
    ).join(""),
  );
  writeFileSync(
    join(crew, "tasks.yaml"),
    AGENTS.map(
      (agent, i) =>
        `task_${i + 1}:\n  description: Step ${i + 1} about {topic}.\n  expected_output: A few paragraphs.\n  agent: ${agent}\n`,
    ).join(""),
  );
  return dir;
}

/**
 * The same crew with the raw AI SDK: three `streamText` calls in sequence, each with the
 * previous answer as context; `onDelta` gets every text delta with its agent.
 */
export async function rawCrew(
  model: LanguageModel,
  topic: string,
  onDelta: (agent: string, delta: string) => void,
): Promise<void> {
  let previous = "";
  for (const [i, agent] of AGENTS.entries()) {
    const result = streamText({
      model,
      maxRetries: 0,
      system: `You are ${agent} of ${topic}. Your goal: do the ${agent} part about ${topic}. An experienced ${agent}.`,
      prompt: `Step ${i + 1} about ${topic}.\n\nExpected output: A few paragraphs.\n\nContext:\n${previous}`,
    });
    let text = "";
    for await (const delta of result.textStream) {
      text += delta;
      onDelta(agent, delta);
    }
    previous = text;
  }
}
