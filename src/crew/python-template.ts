/**
 * The files of `crewstream init --python`: the Python example's CrewAI project
 * (config/agents.yaml, config/tasks.yaml, crew/run.py) that crewstream runs as a process
 * crew, with `crewstream_bridge.py` next to run.py so the crew also runs on its own.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** Where the package keeps what is copied: the same from src/ and from dist/. */
const EXAMPLE = new URL("../../examples/python-crew/", import.meta.url);
const copied = (path: string): Promise<string> =>
  readFile(fileURLToPath(new URL(path, EXAMPLE)), "utf8");
const BRIDGE_PY = fileURLToPath(new URL("../../python/crewstream_bridge.py", import.meta.url));

function crewYaml(name: string): string {
  return `# crewstream settings for this crew. \`command:\` makes it a process crew: crewstream runs
# the program in this folder (no shell), passes the inputs as \`--inputs <json>\` and as the
# first line on stdin, streams what crewstream_bridge writes on stderr, and takes stdout as
# the result.
name: ${name}
command: ["python3", "crew/run.py"]
# The process is stopped (SIGTERM, then SIGKILL) and the run fails after this long.
timeout_ms: 600000
# Defaults for {placeholders}; a run's inputs override them.
inputs:
  topic: AI agents
# Variables the program gets besides PATH, HOME, locale and the model providers' keys.
# env:
#   SERPER_API_KEY: ...
`;
}

function readme(name: string): string {
  return `# ${name}

A CrewAI crew that crewstream streams live: tasks, agent steps, tool calls, the answer as
it is written, tokens per task, and human input (\`human_input: true\` on a task).

- \`config/agents.yaml\`, \`config/tasks.yaml\`: the crew, in CrewAI's format
- \`crew/run.py\`: builds the crew with CrewAI and runs it
- \`crew/crewstream_bridge.py\`: streams CrewAI's events to crewstream (\`install(crew)\` in run.py)
- \`crew.yaml\`: the crew's name, command and default inputs

Run it:

\`\`\`sh
pip install crewai
export OPENAI_API_KEY=...
crewstream run ${name} --input topic="vector databases"
\`\`\`
`;
}

/** The files of a Python crew named `name`, by path relative to the crew folder. */
export async function pythonCrewFiles(name: string): Promise<Record<string, string>> {
  return {
    "config/agents.yaml": await copied("config/agents.yaml"),
    "config/tasks.yaml": await copied("config/tasks.yaml"),
    "crew.yaml": crewYaml(name),
    "README.md": readme(name),
    "crew/run.py": await copied("crew/run.py"),
    "crew/crewstream_bridge.py": await readFile(BRIDGE_PY, "utf8"),
  };
}
