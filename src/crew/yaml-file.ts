/**
 * Reads one YAML file of a crew keeping every node's position, so that any problem found
 * later (by schema validation or cross-checks) can name the line of the key it is about.
 */
import { readFile, stat } from "node:fs/promises";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { CrewProblem } from "./crew-problems.js";

/** Crew files are small; a bigger one is a mistake (or an attack on the parser). */
const MAX_FILE_BYTES = 1024 * 1024;

/** A parsed YAML file with positions. */
export interface YamlFile {
  /** Name shown in problems, relative to the crew folder. */
  file: string;
  /** The parsed value; `undefined` for an empty file or one with syntax errors. */
  value: unknown;
  /** Syntax errors and duplicate keys. The value is only usable when this is empty. */
  problems: CrewProblem[];
  /** 1-based line of the key at `path` (or of its nearest existing ancestor). */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

type Segment = string | number;

/** Reads and parses `absolutePath`; problems are reported under the name `file`. */
export async function readYamlFile(absolutePath: string, file: string): Promise<YamlFile> {
  const size = (await stat(absolutePath)).size;
  if (size > MAX_FILE_BYTES) {
    return fileWithProblem(
      file,
      `is ${size} bytes; crew files must be under ${MAX_FILE_BYTES} bytes`,
    );
  }
  return parseYaml(await readFile(absolutePath, "utf8"), file);
}

/** Parses YAML `source` as the crew file `file`. */
export function parseYaml(source: string, file: string): YamlFile {
  const lines = new LineCounter();
  // Duplicates are found by our own walk so the message can name the key path; merge keys
  // (`<<: *base`) are on because CrewAI's PyYAML supports them.
  const doc = parseDocument(source, {
    lineCounter: lines,
    uniqueKeys: false,
    merge: true,
    prettyErrors: false,
  });
  const lineAtOffset = (offset: number): number => Math.max(1, lines.linePos(offset).line);
  const problems: CrewProblem[] = doc.errors.map((error) => ({
    file,
    line: lineAtOffset(error.pos[0]),
    message: `YAML syntax error: ${yamlErrorHeadline(error.message)}`,
  }));
  if (problems.length === 0 && doc.contents !== null) {
    findDuplicateKeys(doc.contents, doc, [], problems, file, lineAtOffset);
  }
  const value =
    problems.length === 0 && doc.contents !== null ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  return {
    file,
    value,
    problems,
    lineOf: (path) => {
      const offset = offsetOf(doc, path);
      return offset === undefined ? undefined : lineAtOffset(offset);
    },
  };
}

function fileWithProblem(file: string, message: string): YamlFile {
  return { file, value: undefined, problems: [{ file, message }], lineOf: () => undefined };
}

/** The YAML parser's message without its code excerpt and position (the problem carries the line). */
function yamlErrorHeadline(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

function resolve(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyName(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** Start offset of the key (for mapping entries) or item (for list entries) at `path`. */
function offsetOf(doc: Document, path: readonly Segment[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = doc.contents?.range?.[0];
  for (const segment of path) {
    node = resolve(node, doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyName(item.key) === String(segment));
      if (pair === undefined) return offset;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function findDuplicateKeys(
  node: unknown,
  doc: Document,
  path: Segment[],
  problems: CrewProblem[],
  file: string,
  lineAt: (offset: number) => number,
): void {
  if (isMap(node)) {
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      const name = keyName(pair.key);
      const start = (pair.key as Node | null)?.range?.[0] ?? 0;
      if (name !== undefined && name !== "<<") {
        const first = seen.get(name);
        if (first === undefined) seen.set(name, start);
        else {
          problems.push({
            file,
            line: lineAt(start),
            path: [...path, name].join("."),
            message: `duplicate key "${name}" (first defined on line ${lineAt(first)}); keep only one`,
          });
        }
      }
      findDuplicateKeys(pair.value, doc, [...path, name ?? "?"], problems, file, lineAt);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) =>
      findDuplicateKeys(item, doc, [...path, index], problems, file, lineAt),
    );
  }
}
