/**
 * `crewstream init <dir>`: creates a crew folder from the starter template and says how to
 * run it.
 */
import { relative } from "node:path";
import { loadCrew, requiredInputs, scaffoldCrew } from "../crew/index.js";
import { cliName } from "./cli-name.js";
import { ExitCode } from "./exit-codes.js";

/** Creates the crew folder (a CrewAI project with `python`, a tools module with `tools`); answers the exit code. */
export async function initCommand(
  dir: string,
  options: { python?: boolean; tools?: boolean } = {},
): Promise<number> {
  await scaffoldCrew(dir, { python: options.python === true, tools: options.tools === true });
  // Loading the new crew proves the template is valid and tells which inputs to pass.
  const crew = await loadCrew(dir);
  const shown = relative(process.cwd(), crew.dir) || ".";
  const inputs = requiredInputs(crew)
    .filter((name) => !(name in crew.defaultInputs))
    .map((name) => ` --input ${name}=...`)
    .join("");
  const out = process.stdout;
  out.write(`Created the crew "${crew.name}" in ${shown}/ (${crew.files.join(", ")}).\n\n`);
  out.write(
    `  ${crew.agents.length} agents: ${crew.agents.map((agent) => agent.key).join(", ")}\n`,
  );
  out.write(`  ${crew.tasks.length} tasks:  ${crew.tasks.map((task) => task.key).join(" → ")}\n\n`);
  out.write(
    `Run it:\n  ${cliName()} run ${shown.includes(" ") ? JSON.stringify(shown) : shown}${inputs}\n\n`,
  );
  out.write(
    options.python === true
      ? "It runs crew/run.py with CrewAI (pip install crewai); edit config/agents.yaml and config/tasks.yaml to make it yours.\n"
      : "Edit agents.yaml and tasks.yaml to make it yours; set CREWSTREAM_MODEL or --model to use a real model.\n",
  );
  return ExitCode.OK;
}
