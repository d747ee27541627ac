/**
 * `GET /api/runs/:id/files/:name`: a file a run wrote (a task's `output_file`), from that
 * run's output folder only. Names with `..` or an absolute path are refused before the disk
 * is touched. Files are served as text, JSON or bytes, never as HTML, so that model output
 * cannot run script on the server's origin.
 */
import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { Hono } from "hono";
import { CrewError, ErrorCode, runIdSchema } from "../../events/index.js";
import { containedPathProblem, resolveContained, runOutputDir } from "../../crew/index.js";
import type { RouteDeps } from "../deps.js";
import { validate } from "../read-json.js";
import { runNotFound } from "./runs.js";

const TYPES: Record<string, string> = {
  ".json": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".yaml": "text/plain; charset=utf-8",
  ".yml": "text/plain; charset=utf-8",
};

/** Routes of a run's files; `root` is the output root (default: from the environment). */
export function runFilesRoutes(deps: RouteDeps, root?: string): Hono {
  return new Hono().get("/runs/:id/files/:name{.+}", async (c) => {
    const id = validate(runIdSchema, c.req.param("id"), "run id");
    const name = decodeURIComponent(c.req.param("name"));
    const problem = containedPathProblem(name);
    if (problem !== undefined) throw new CrewError(ErrorCode.BAD_REQUEST, `File name ${problem}.`);
    const run = await deps.runs.get(id);
    if (!run) throw runNotFound(id);
    const path = resolveContained(runOutputDir(run.id, root), name);
    const info = path === undefined ? undefined : await stat(path).catch(() => undefined);
    if (path === undefined || info?.isFile() !== true) {
      throw new CrewError(ErrorCode.NOT_FOUND, `Run "${run.id}" wrote no file "${name}".`);
    }
    const body = await readFile(path);
    const type = TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
    const base = name.split("/").at(-1) ?? name;
    return c.body(body, 200, {
      "content-type": type,
      "x-content-type-options": "nosniff",
      "content-disposition": `inline; filename="${base.replace(/["\\\r\n]/g, "_")}"`,
      "cache-control": "no-store",
    });
  });
}
