/**
 * Reads the output schemas tasks.yaml names: `output_schema` (inline JSON Schema or a path to
 * a `.json` file inside the crew folder) and CrewAI's `output_json` / `output_pydantic`, which
 * name a Python class in CrewAI and a `.json` schema file here. A schema that cannot be read or
 * understood is a located problem; a CrewAI class name is a warning (the output stays text).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { containedPathProblem } from "./contained-path.js";
import type { TaskYaml } from "./crew-schema.js";
import { outputShape } from "./output-shape.js";
import { located, report, type Findings } from "./validate-entries.js";
import type { YamlFile } from "./yaml-file.js";

const SCHEMA_KEYS = ["output_schema", "output_json", "output_pydantic"] as const;

/**
 * Replaces each task's schema setting by the JSON Schema object it names, in `output_schema`.
 * Entries with a problem keep no schema; the problem is in `findings`.
 */
export async function resolveOutputSchemas(
  root: string,
  file: YamlFile,
  tasks: { key: string; value: TaskYaml }[],
  findings: Findings,
): Promise<void> {
  for (const task of tasks) {
    const given = SCHEMA_KEYS.filter((key) => task.value[key] !== undefined);
    const [chosen, ...extra] = given;
    for (const key of extra) {
      findings.warnings.push(
        located(file, [task.key, key], `ignored: ${chosen ?? ""} already gives the output schema`),
      );
    }
    const raw = chosen === undefined ? undefined : task.value[chosen];
    const { output_json: _json, output_pydantic: _pydantic, ...rest } = task.value;
    task.value = rest;
    if (chosen === undefined || raw === undefined) continue;
    const path = [task.key, chosen];
    if (typeof raw === "string" && chosen !== "output_schema" && !raw.endsWith(".json")) {
      findings.warnings.push(
        located(
          file,
          path,
          `ignored: "${raw}" is a Python class in CrewAI; give a JSON Schema file inside the crew folder (e.g. schemas/${raw}.json) to get a structured output`,
        ),
      );
      continue;
    }
    const schema = typeof raw === "string" ? await readSchemaFile(root, raw) : { value: raw };
    if ("problem" in schema) {
      report(findings, file, path, schema.problem);
      continue;
    }
    try {
      outputShape(schema.value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report(findings, file, path, `is not a JSON Schema crewstream can use: ${reason}`);
      continue;
    }
    task.value = { ...rest, output_schema: schema.value };
  }
}

async function readSchemaFile(
  root: string,
  path: string,
): Promise<{ value: Record<string, unknown> } | { problem: string }> {
  const outside = containedPathProblem(path);
  if (outside !== undefined) return { problem: `schema file ${outside.replace("output", "crew")}` };
  if (!path.endsWith(".json"))
    return { problem: `must be a JSON Schema or a .json file, got "${path}"` };
  let text: string;
  try {
    text = await readFile(join(root, path), "utf8");
  } catch {
    return { problem: `schema file "${path}" not found in the crew folder` };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return { problem: `schema file "${path}" must hold a JSON Schema object` };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: `schema file "${path}" is not valid JSON: ${reason}` };
  }
}
