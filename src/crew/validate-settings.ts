/**
 * Validates crew.yaml, crewstream's own file for what a CrewAI project sets in Python: name,
 * process, manager model, default inputs and, for process crews, the command to run.
 */
import { IGNORED_CREW_KEYS, crewYamlSchema } from "./crew-schema.js";
import type { CrewYaml } from "./crew-schema.js";
import { placeholdersOf } from "./interpolate.js";
import { located, validateMapping } from "./validate-entries.js";
import type { Findings } from "./validate-entries.js";
import type { YamlFile } from "./yaml-file.js";

/** True when crew.yaml has a `command` key, valid or not: the folder is a process crew. */
export function namesCommand(file: YamlFile | undefined): boolean {
  const raw = file?.value;
  return typeof raw === "object" && raw !== null && "command" in raw;
}

/** Validates crew.yaml; an invalid one yields the settings that can still be trusted. */
export function validateSettings(file: YamlFile, findings: Findings): CrewYaml {
  if (file.value === undefined) return {};
  const rules = { noun: "crew", schema: crewYamlSchema, ignored: IGNORED_CREW_KEYS };
  const settings = validateMapping(file, [], file.value, rules, findings);
  if (settings !== undefined) return settings;
  const raw = file.value as { process?: unknown };
  return raw.process === "hierarchical" ? { process: "hierarchical" } : {};
}

/** Warns about settings that have no effect in this crew. */
export function warnAboutSettings(
  file: YamlFile,
  settings: CrewYaml,
  entries: { value: object }[],
  findings: Findings,
): void {
  if (settings.manager_llm !== undefined && settings.process !== "hierarchical") {
    findings.warnings.push(
      located(
        file,
        ["manager_llm"],
        'ignored: only a crew with "process: hierarchical" has a manager',
      ),
    );
  }
  if (settings.timeout_ms !== undefined && settings.command === undefined) {
    findings.warnings.push(
      located(file, ["timeout_ms"], 'ignored: only a process crew (with "command:") has a timeout'),
    );
  }
  if (settings.env !== undefined && settings.command === undefined) {
    findings.warnings.push(
      located(file, ["env"], 'ignored: only a process crew (with "command:") runs a program'),
    );
  }
  const used = new Set(
    entries.flatMap(({ value }) =>
      Object.values(value).flatMap((text) =>
        typeof text === "string" ? placeholdersOf(text) : [],
      ),
    ),
  );
  for (const name of Object.keys(settings.inputs ?? {})) {
    if (!used.has(name) && settings.command === undefined) {
      findings.warnings.push(
        located(file, ["inputs", name], `default for "${name}", which no {placeholder} uses`),
      );
    }
  }
}
