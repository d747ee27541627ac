/** Test support: a one-task crew folder whose task asks for a JSON schema (a `title` string). */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes the crew `name` into `folder` (created): agent `writer`, task `title_task` on `{topic}`. */
export async function writeSchemaCrew(folder: string, name = "titled"): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "crew.yaml"), `name: ${name}\n`);
  await writeFile(
    join(folder, "agents.yaml"),
    "writer:\n  role: Writer\n  goal: Title {topic}\n  backstory: Brief.\n",
  );
  await writeFile(
    join(folder, "tasks.yaml"),
    [
      "title_task:",
      "  description: Give {topic} a title.",
      "  expected_output: A JSON object.",
      "  agent: writer",
      "  output_schema:",
      "    type: object",
      "    properties: { title: { type: string } }",
      "    required: [title]",
      "",
    ].join("\n"),
  );
}
