/**
 * Loads a crew folder in CrewAI's layout: `agents.yaml`, `tasks.yaml` and crewstream's
 * optional `crew.yaml`, either in the folder itself or in its `config/` subfolder (as in
 * `src/<pkg>/config/agents.yaml`). Every problem in every file is collected first and reported
 * in one `invalid_crew` error whose lines name the file, the key path and the line.
 */
import { stat } from "node:fs/promises";
import type { Tool } from "ai";
import { basename, join, resolve } from "node:path";
import { CrewError, ErrorCode } from "../events/index.js";
import { crewFileCandidates, CREW_FILES } from "./crew-folders.js";
import { InvalidCrewError } from "./crew-problems.js";
import type { CrewWarning } from "./crew-problems.js";
import type { CrewWarningInfo } from "../events/index.js";
import {
  agentYamlSchema,
  BUILTIN_TOOLS,
  IGNORED_AGENT_KEYS,
  IGNORED_TASK_KEYS,
  TASK_KEY_NOTES,
  taskYamlSchema,
} from "./crew-schema.js";
import { textSourceKey } from "./interpolate.js";
import { resolveOutputSchemas } from "./resolve-output-schemas.js";
import type { TextSources } from "./interpolate.js";
import { toDefinition } from "./to-definition.js";
import { loadToolModule } from "./tool-module.js";
import type { CrewDefinition } from "./types.js";
import { validateEntries } from "./validate-entries.js";
import type { Findings } from "./validate-entries.js";
import { validateReferences } from "./validate-references.js";
import { namesCommand, validateSettings, warnAboutSettings } from "./validate-settings.js";
import { readYamlFile } from "./yaml-file.js";
import type { YamlFile } from "./yaml-file.js";

/** Options of {@link loadCrew}. */
export interface LoadCrewOptions {
  /** Tools registered on the crew in code, allowed in `tools:` besides the built-ins. */
  knownTools?: Iterable<string>;
  /** Where tool keys are looked for, to warn about missing ones. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A crew loaded from a folder: a {@link CrewDefinition} plus what only files carry. A folder
 * whose crew.yaml has `command:` is a process crew: the bridge runs that program, and its
 * agents.yaml / tasks.yaml (if any) only describe it.
 */
export interface LoadedCrew extends CrewDefinition {
  dir: string;
  /** `crew` runs on the engine; `process` runs `command` through the bridge. */
  kind: "crew" | "process";
  /** Program and arguments of a process crew (crew.yaml `command:`). */
  command?: string[];
  /** Longest a process crew may run (crew.yaml `timeout_ms:`). */
  timeoutMs?: number;
  /** Variables of a process crew's program (crew.yaml `env:`). */
  env?: Record<string, string>;
  /** Tools exported by the folder's tools module (`tools.js`...), by name; `new Crew` registers them. */
  tools?: Record<string, Tool>;
  /** crew.yaml `default: true`: the crew a run that names none uses (see `CrewCatalog`). */
  isDefault?: boolean;
  /** Keys that were accepted but have no effect, or are unknown, each with file and line. */
  warnings: CrewWarningInfo[];
  /** The files read, relative to `dir`. */
  files: string[];
  /** Where each text field is, so a missing input can be traced to its line. */
  sources: TextSources;
}

const AGENT_RULES = { noun: "agent", schema: agentYamlSchema, ignored: IGNORED_AGENT_KEYS };
const TASK_RULES = {
  noun: "task",
  schema: taskYamlSchema,
  ignored: IGNORED_TASK_KEYS,
  notes: TASK_KEY_NOTES,
};

/**
 * Reads the crew in `dir`. Throws CrewError `crew_not_found` if `dir` is not a folder, and
 * `invalid_crew` (an {@link InvalidCrewError}) listing every problem found otherwise.
 */
export async function loadCrew(dir: string, options: LoadCrewOptions = {}): Promise<LoadedCrew> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new CrewError(
      ErrorCode.CREW_NOT_FOUND,
      `No crew folder at ${dir}; give a folder with agents.yaml and tasks.yaml.`,
    );
  }
  const crewName = basename(root);
  const findings: Findings = { problems: [], warnings: [] };
  const [crewFile, agentsFile, tasksFile] = await Promise.all(
    CREW_FILES.map((base) => readCrewFile(root, base, findings)),
  );

  const settings = crewFile === undefined ? {} : validateSettings(crewFile, findings);
  // A crew.yaml that names a command is a process crew even when the command is malformed,
  // so its problem is reported alone rather than with "agents.yaml not found".
  const kind = settings.command !== undefined || namesCommand(crewFile) ? "process" : "crew";
  const process = settings.process ?? "sequential";
  if (kind === "crew") {
    for (const [file, base] of [
      [agentsFile, "agents"],
      [tasksFile, "tasks"],
    ] as const) {
      if (file === undefined) {
        findings.problems.push({
          file: `${base}.yaml`,
          message: `not found in "${crewName}/" or "${crewName}/config/"; a crew needs agents.yaml and tasks.yaml (or a crew.yaml with "command:")`,
        });
      }
    }
  }
  const none = { entries: [], declared: undefined };
  const agents =
    agentsFile === undefined ? none : validateEntries(agentsFile, AGENT_RULES, findings);
  const tasks = tasksFile === undefined ? none : validateEntries(tasksFile, TASK_RULES, findings);
  const toolModule = kind === "crew" ? await loadToolModule(root, findings) : undefined;
  if (agentsFile !== undefined && tasksFile !== undefined) {
    // A tools module that did not load is reported on its own, not as each tool it would give.
    const tools =
      kind === "process" || toolModule?.loaded === false
        ? undefined
        : new Set([
            ...BUILTIN_TOOLS,
            ...(options.knownTools ?? []),
            ...Object.keys(toolModule?.tools ?? {}),
          ]);
    validateReferences(
      {
        agentsFile,
        tasksFile,
        agents: agents.entries,
        tasks: tasks.entries,
        declaredAgents: agents.declared,
        declaredTasks: tasks.declared ?? [],
        process,
        tools,
        mcpServers: Object.keys(settings.mcp_servers ?? {}),
        env: options.env ?? globalThis.process.env,
      },
      findings,
    );
  }
  if (tasksFile !== undefined) await resolveOutputSchemas(root, tasksFile, tasks.entries, findings);
  if (crewFile !== undefined) {
    warnAboutSettings(crewFile, settings, [...agents.entries, ...tasks.entries], findings);
  }
  if (findings.problems.length > 0) {
    throw new InvalidCrewError(settings.name ?? crewName, findings.problems);
  }

  const warnings = findings.warnings.map(toWarningInfo);
  const definition = toDefinition({
    name: settings.name ?? crewName,
    dir: root,
    settings,
    agents: agents.entries,
    tasks: tasks.entries,
  });
  return {
    ...definition,
    dir: root,
    kind,
    ...(settings.command === undefined ? {} : { command: settings.command }),
    ...(settings.timeout_ms === undefined ? {} : { timeoutMs: settings.timeout_ms }),
    ...(settings.env === undefined ? {} : { env: settings.env }),
    ...(toolModule === undefined ? {} : { tools: toolModule.tools }),
    ...(settings.default === true ? { isDefault: true } : {}),
    warnings,
    sources: {
      ...(agentsFile === undefined
        ? {}
        : sourcesOf(agentsFile, "agent", agents.entries, AGENT_TEXT)),
      ...(tasksFile === undefined ? {} : sourcesOf(tasksFile, "task", tasks.entries, TASK_TEXT)),
    },
    files: [
      ...[crewFile, agentsFile, tasksFile].flatMap((file) =>
        file === undefined ? [] : [file.file],
      ),
      ...(toolModule === undefined ? [] : [toolModule.file]),
    ],
  };
}

/** A located warning in the protocol's shape (`key` is the dotted key path). */
function toWarningInfo(warning: CrewWarning): CrewWarningInfo {
  return {
    file: warning.file,
    ...(warning.line === undefined ? {} : { line: warning.line }),
    key: warning.path ?? "",
    message: warning.message,
  };
}

const AGENT_TEXT = ["role", "goal", "backstory"];
const TASK_TEXT = ["description", "expected_output"];

/** `agents.yaml:3 researcher.goal` for each text field of each entry (see {@link textSourceKey}). */
function sourcesOf(
  file: YamlFile,
  kind: "agent" | "task",
  entries: { key: string }[],
  fields: string[],
): TextSources {
  return Object.fromEntries(
    entries.flatMap(({ key }) =>
      fields.map((field) => {
        const line = file.lineOf([key, field]);
        const where = line === undefined ? file.file : `${file.file}:${line}`;
        return [textSourceKey(kind, key, field), `${where} ${key}.${field}`];
      }),
    ),
  );
}

/** Finds `<base>.yaml` in the folder or its config/ subfolder and parses it. */
async function readCrewFile(
  root: string,
  base: string,
  findings: Findings,
): Promise<YamlFile | undefined> {
  const candidates = crewFileCandidates(base);
  const present: string[] = [];
  for (const candidate of candidates) {
    const info = await stat(join(root, candidate)).catch(() => undefined);
    if (info?.isFile() === true) present.push(candidate);
  }
  const [chosen, ...others] = present;
  if (chosen === undefined) return undefined;
  if (others.length > 0) {
    findings.problems.push({
      file: chosen,
      message: `${[chosen, ...others].join(" and ")} both exist; keep only one`,
    });
  }
  const file = await readYamlFile(join(root, chosen), chosen);
  findings.problems.push(...file.problems);
  return file;
}
