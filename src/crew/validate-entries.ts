/**
 * Validates the entries of one crew file (each agent of agents.yaml, each task of tasks.yaml,
 * the settings of crew.yaml) against {@link crewYamlSchema} and friends, turning every zod
 * issue and every unknown key into a {@link CrewProblem} that names file, key path and line.
 */
import type { z } from "zod";
import { describeType, didYouMean } from "./crew-problems.js";
import { describeIssue, shapeOf } from "./describe-issue.js";
import type { CrewProblem, CrewWarning } from "./crew-problems.js";
import { ENTRY_KEY_PATTERN } from "./crew-schema.js";
import type { YamlFile } from "./yaml-file.js";

/** Where problems and warnings of one load are collected. */
export interface Findings {
  problems: CrewProblem[];
  warnings: CrewWarning[];
}

/** How to validate one kind of mapping. */
export interface EntryRules<T> {
  /** "agent", "task" or "setting", for messages. */
  noun: string;
  schema: z.ZodType<T>;
  /** CrewAI keys accepted with a warning, each with its reason. */
  ignored: Record<string, string>;
  /** Keys that are read but behave differently from CrewAI, each with its note. */
  notes?: Record<string, string>;
}

type Segment = string | number;

/** Adds a problem at `path` of `file`, located by the path's line. */
export function report(
  findings: Findings,
  file: YamlFile,
  path: readonly Segment[],
  message: string,
): void {
  findings.problems.push(located(file, path, message));
}

/** A problem or warning located at `path` of `file`. */
export function located(file: YamlFile, path: readonly Segment[], message: string): CrewProblem {
  const line = file.lineOf(path);
  return {
    file: file.file,
    ...(line === undefined ? {} : { line }),
    ...(path.length === 0 ? {} : { path: path.join(".") }),
    message,
  };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks one mapping (`value` at `path`): unknown keys and ignored CrewAI keys are warnings
 * (unknown ones with a suggestion), and the known keys are parsed by the schema. Returns the parsed
 * value, or `undefined` if it has problems.
 */
export function validateMapping<T>(
  file: YamlFile,
  path: readonly Segment[],
  value: unknown,
  rules: EntryRules<T>,
  findings: Findings,
): T | undefined {
  if (!isMapping(value)) {
    report(
      findings,
      file,
      path,
      `must be a mapping of ${rules.noun} settings, got ${describeType(value)}`,
    );
    return undefined;
  }
  const known = Object.keys(shapeOf(rules.schema));
  const knownSet = new Set(known);
  const checked: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (knownSet.has(key)) {
      checked[key] = entry;
      const note = rules.notes?.[key];
      if (note !== undefined) findings.warnings.push(located(file, [...path, key], note));
    } else if (key in rules.ignored) {
      findings.warnings.push(located(file, [...path, key], `ignored: ${rules.ignored[key]}`));
    } else {
      // Unknown keys are warnings, as CrewAI adds keys over time: the crew still loads, and the
      // warning (with "did you mean") is shown wherever the crew is.
      const hint = didYouMean(key, [...known, ...Object.keys(rules.ignored)]);
      const fix = hint === "" ? `; known keys: ${known.join(", ")}` : hint;
      findings.warnings.push(
        located(file, [...path, key], `unknown ${rules.noun} key "${key}", ignored${fix}`),
      );
    }
  }
  const parsed = rules.schema.safeParse(checked);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      report(
        findings,
        file,
        [...path, ...(issue.path as Segment[])],
        describeIssue(issue, checked),
      );
    }
    return undefined;
  }
  return parsed.data;
}

/** The entries of agents.yaml or tasks.yaml that passed validation. */
export interface ValidatedEntries<T> {
  /** Valid entries, in file order. */
  entries: { key: string; value: T }[];
  /**
   * Every key the file declares, valid or not, or `undefined` when the file could not be
   * read as a mapping. References are checked against these, so that one broken entry does
   * not also make every reference to it a problem.
   */
  declared: string[] | undefined;
}

/** Checks a file whose top level maps entry keys to entries (agents.yaml, tasks.yaml). */
export function validateEntries<T>(
  file: YamlFile,
  rules: EntryRules<T>,
  findings: Findings,
): ValidatedEntries<T> {
  if (file.value === undefined) {
    if (file.problems.length === 0)
      report(findings, file, [], `is empty; define at least one ${rules.noun}`);
    return { entries: [], declared: undefined };
  }
  if (!isMapping(file.value)) {
    report(
      findings,
      file,
      [],
      `must map each ${rules.noun}'s key to its settings, got ${describeType(file.value)}`,
    );
    return { entries: [], declared: undefined };
  }
  const entries: { key: string; value: T }[] = [];
  for (const [key, raw] of Object.entries(file.value)) {
    if (!ENTRY_KEY_PATTERN.test(key)) {
      report(
        findings,
        file,
        [key],
        key === "__proto__"
          ? `${rules.noun} key "${key}" is reserved; choose another`
          : `${rules.noun} key "${key}" must start with a letter or "_" and use only letters, digits, "_" and "-"`,
      );
      continue;
    }
    const value = validateMapping(file, [key], raw, rules, findings);
    if (value !== undefined) entries.push({ key, value });
  }
  const declared = Object.keys(file.value);
  if (declared.length === 0)
    report(findings, file, [], `defines no ${rules.noun}s; define at least one`);
  return { entries, declared };
}
