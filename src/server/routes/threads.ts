/**
 * The threads resource: conversations, each an ordered list of runs. Listing is paged (most
 * recently active first); one thread comes with its runs, oldest first; a thread can be renamed
 * and deleted (with its runs and their events; live runs are cancelled first).
 */
import { Hono } from "hono";
import {
  CrewError,
  ErrorCode,
  listThreadsQuerySchema,
  renameThreadBodySchema,
  threadIdSchema,
} from "../../events/index.js";
import type { ThreadDeleted, ThreadDetails, ThreadPage, ThreadRecord } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { readJson, validate } from "../read-json.js";

/** Routes of the threads resource. */
export function threadsRoutes(deps: RouteDeps): Hono {
  const { runs } = deps;
  return new Hono()
    .get("/threads", async (c) => {
      const query = validate(listThreadsQuerySchema, c.req.query(), "query");
      const page = await runs.listThreads({
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.before === undefined ? {} : { before: query.before }),
      });
      return c.json<ThreadPage>(page);
    })
    .get("/threads/:id", async (c) => {
      const id = validate(threadIdSchema, c.req.param("id"), "thread id");
      const thread = await runs.getThread(id);
      if (!thread) throw threadNotFound(id);
      return c.json<ThreadDetails>(thread);
    })
    .patch("/threads/:id", async (c) => {
      const id = validate(threadIdSchema, c.req.param("id"), "thread id");
      const body = await readJson(c, renameThreadBodySchema);
      return c.json<ThreadRecord>(await runs.renameThread(id, body.title));
    })
    .delete("/threads/:id", async (c) => {
      const id = validate(threadIdSchema, c.req.param("id"), "thread id");
      return c.json<ThreadDeleted>(await runs.deleteThread(id));
    });
}

/** The error for an unknown thread id. */
function threadNotFound(id: string): CrewError {
  return new CrewError(
    ErrorCode.NOT_FOUND,
    `No thread with id ${JSON.stringify(id.slice(0, 80))}; list threads with GET /api/threads.`,
  );
}
