/**
 * `crewstream init`: writes a new crew folder that loads and runs as it is (offline when no
 * API key is set), as a starting point to edit. Existing files are never overwritten.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CrewError, ErrorCode } from "../events/index.js";
import { CREW_NAME_PATTERN } from "./crew-schema.js";
import { pythonCrewFiles } from "./python-template.js";

/** Options of {@link scaffoldCrew}. */
export interface ScaffoldOptions {
  /** The crew's name in crew.yaml; defaults to the folder's name. */
  name?: string;
  /** A CrewAI project run as a process crew (crew/run.py with crewstream_bridge.py) instead of a YAML crew. */
  python?: boolean;
  /** Also write `tools.mjs`, a tools module with one example tool the writer uses. */
  tools?: boolean;
}

/** What {@link scaffoldCrew} wrote. */
export interface ScaffoldResult {
  /** The crew folder, absolute. */
  dir: string;
  name: string;
  /** The files written, relative to `dir`. */
  files: string[];
}

const AGENTS = `# The crew's agents, in CrewAI's agents.yaml format.
# {topic} is filled from the run's inputs; crew.yaml gives it a default.
#
# Agents use the crew's model: CREWSTREAM_MODEL, else openai/gpt-4o-mini when OPENAI_API_KEY
# is set, else the built-in offline model. To pin one, add e.g. \`llm: openai/gpt-4o-mini\`.
# Built-in tools: read_file (files in this folder), fetch_url, web_search (with a Serper,
# Tavily or Brave key), list_files and write_file, e.g. \`tools: [fetch_url]\`; CrewAI's names
# (SerperDevTool, ScrapeWebsiteTool, FileReadTool...) work too. MCP servers declared in
# crew.yaml under mcp_servers: are given to an agent with \`mcps: [server]\`.

researcher:
  role: >
    {topic} Researcher
  goal: >
    Gather accurate, current information about {topic}
  backstory: >
    You are a meticulous researcher who checks sources and says how sure you are.

writer:
  role: >
    {topic} Writer
  goal: >
    Explain {topic} clearly to a technical reader
  backstory: >
    You turn research notes into short, well-organised reports without inventing facts.
`;

const TASKS = `# The crew's tasks, in CrewAI's tasks.yaml format. They run in order; \`context\`
# gives a task the outputs of earlier ones.

research_task:
  description: >
    Research {topic}: the key facts, current developments and open questions.
  expected_output: >
    A bullet list of the 5 to 10 most important findings about {topic}.
  agent: researcher

writing_task:
  description: >
    Write a short report on {topic} from the research findings.
  expected_output: >
    A markdown report of about 300 words with a title and sections.
  agent: writer
  context:
    - research_task
`;

const TOOLS_MODULE = `// This crew's own tools. The default export gets the AI SDK's \`tool\` and zod's \`z\`
// from crewstream and returns tools by name; agents list those names in \`tools:\`.
// (Named exports of tools made with \`import { tool } from "ai"\` work too.)
export default ({ tool, z }) => ({
  word_count: tool({
    description: "Count the words of a text, to keep a report within its length.",
    inputSchema: z.object({ text: z.string().describe("The text to count") }),
    execute: async ({ text }) => \`\${text.split(/\\s+/).filter(Boolean).length} words\`,
  }),
});
`;

/** The writer of the template, with the module's tool. */
function agentsWithTools(): string {
  return AGENTS.replace(
    "You turn research notes into short, well-organised reports without inventing facts.\n",
    "You turn research notes into short, well-organised reports without inventing facts.\n  tools: [word_count]\n",
  );
}

function crewYaml(name: string): string {
  return `# crewstream settings for this crew.
name: ${name}
# sequential: tasks in order. hierarchical: a manager agent delegates them.
process: sequential
# Defaults for {placeholders}; a run's inputs override them.
inputs:
  topic: AI agents
`;
}

const TOOLS_LINE =
  "\n- `tools.mjs`: the crew's own tools (`word_count`), named in agents' `tools:`";

function readme(name: string, tools: boolean): string {
  return `# ${name}

A crewstream crew: a researcher and a writer report on a topic.

- \`agents.yaml\`: who works (role, goal, backstory, optional \`llm\` and \`tools\`)
- \`tasks.yaml\`: what they do, in order (description, expected output, agent, context)
- \`crew.yaml\`: the crew's name, process and default inputs${tools ? TOOLS_LINE : ""}

Run it:

\`\`\`sh
npx crewstream run ${name} --input topic="vector databases"
\`\`\`

Without an API key the built-in offline model answers, so the crew runs anywhere. Set
\`OPENAI_API_KEY\` (or \`CREWSTREAM_MODEL\`, e.g. \`anthropic/claude-3-5-haiku-latest\`) for a real model.
`;
}

/**
 * Writes agents.yaml, tasks.yaml, crew.yaml and README.md (and tools.mjs with `tools`) into
 * `dir` (created if needed); with `python`, a CrewAI project instead (config/, crew/run.py,
 * crew/crewstream_bridge.py).
 * Throws `bad_request` for a name that is not a valid crew name and `conflict` if any of
 * the files already exists, in which case nothing is written.
 */
export async function scaffoldCrew(
  dir: string,
  options: ScaffoldOptions = {},
): Promise<ScaffoldResult> {
  const root = resolve(dir);
  const name = options.name ?? basename(root);
  if (!CREW_NAME_PATTERN.test(name)) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      `"${name}" is not a crew name; use letters, digits, ".", "_" and "-", starting with a letter or digit.`,
    );
  }
  const files: Record<string, string> =
    options.python === true
      ? await pythonCrewFiles(name)
      : {
          "agents.yaml": options.tools === true ? agentsWithTools() : AGENTS,
          "tasks.yaml": TASKS,
          "crew.yaml": crewYaml(name),
          "README.md": readme(name, options.tools === true),
          ...(options.tools === true ? { "tools.mjs": TOOLS_MODULE } : {}),
        };
  const existing = [];
  for (const file of Object.keys(files)) {
    if ((await stat(join(root, file)).catch(() => undefined)) !== undefined) existing.push(file);
  }
  if (existing.length > 0) {
    throw new CrewError(
      ErrorCode.CONFLICT,
      `${root} already has ${existing.join(", ")}; choose another folder or remove ${existing.length === 1 ? "it" : "them"}.`,
    );
  }
  await mkdir(root, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    // "wx" fails rather than overwrite a file created since the check above.
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), content, { flag: "wx" });
  }
  return { dir: root, name, files: Object.keys(files) };
}
