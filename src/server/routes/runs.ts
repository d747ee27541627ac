/**
 * The runs resource: start in the background, list, read one with its summary, cancel, and
 * answer human input. Streaming a run's events lives in `run-events.ts`.
 */
import { Hono } from "hono";
import { runEnded } from "../limits.js";
import {
  CrewError,
  ErrorCode,
  inputBodySchema,
  listRunsQuerySchema,
  runIdSchema,
  startRunsBodySchema,
} from "../../events/index.js";
import type {
  BatchStarted,
  BatchStatusBody,
  InputAccepted,
  RunDetails,
  RunPage,
  RunRecord,
  RunStarted,
} from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { readJson, validate } from "../read-json.js";

/** Routes of the runs resource. */
export function runsRoutes(deps: RouteDeps): Hono {
  const { runs } = deps;
  return new Hono()
    .post("/runs", async (c) => {
      const body = await readJson(c, startRunsBodySchema);
      const shared = {
        source: "http",
        ...(body.crew === undefined ? {} : { crew: body.crew }),
        ...(body.timeoutMs === undefined ? {} : { timeoutMs: body.timeoutMs }),
      };
      if (Array.isArray(body.inputs)) {
        // A thread's turns run one after another, each seeing the previous answers.
        if (body.threadId !== undefined)
          throw new CrewError(
            ErrorCode.BAD_REQUEST,
            "threadId cannot be given with a list of inputs: a thread takes one run per turn.",
          );
        const batch = await runs.startBatch({ ...shared, inputs: body.inputs });
        const started: BatchStarted = {
          batchId: batch.batchId,
          runIds: batch.runs.map((r) => r.id),
        };
        return c.json(started, 202, { location: `/api/batches/${batch.batchId}` });
      }
      const slot = deps.runQuota.reserve(deps.clientKey(c));
      const run = await runs
        .start({
          ...shared,
          inputs: body.inputs,
          ...(body.threadId === undefined ? {} : { threadId: body.threadId }),
        })
        .catch((error: unknown) => {
          slot.cancel();
          throw error;
        });
      slot.hold(runEnded(runs, run.id));
      const answer: RunStarted = { runId: run.id, status: run.status };
      return c.json(answer, 202, {
        "x-run-id": run.id,
        location: `/api/runs/${run.id}`,
      });
    })
    .get("/batches/:id", async (c) => {
      const id = validate(runIdSchema, c.req.param("id"), "batch id");
      const batch = await runs.getBatch(id);
      if (!batch)
        throw new CrewError(
          ErrorCode.NOT_FOUND,
          `No batch with id ${JSON.stringify(id.slice(0, 80))}; POST /api/runs with a list of inputs starts one.`,
        );
      return c.json<BatchStatusBody>(batch);
    })
    .get("/runs", async (c) => {
      const query = validate(listRunsQuerySchema, c.req.query(), "query");
      const page = await runs.list({
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.before === undefined ? {} : { before: query.before }),
        ...(query.status === undefined ? {} : { status: query.status }),
      });
      return c.json<RunPage>(page);
    })
    .get("/runs/:id", async (c) => {
      const id = validate(runIdSchema, c.req.param("id"), "run id");
      const run = await runs.get(id);
      if (!run) throw runNotFound(id);
      return c.json<RunDetails>(run);
    })
    .post("/runs/:id/cancel", async (c) => {
      const id = validate(runIdSchema, c.req.param("id"), "run id");
      const run = await runs.cancel(id);
      return c.json<RunRecord>(run);
    })
    .post("/runs/:id/input", async (c) => {
      const id = validate(runIdSchema, c.req.param("id"), "run id");
      const body = await readJson(c, inputBodySchema);
      await runs.answer(id, body.requestId, body.text);
      const answer: InputAccepted = { ok: true, runId: id, requestId: body.requestId };
      return c.json(answer);
    });
}

/** The error for an unknown run id. */
export function runNotFound(id: string): CrewError {
  return new CrewError(
    ErrorCode.RUN_NOT_FOUND,
    `No run with id ${JSON.stringify(id.slice(0, 80))}; list runs with GET /api/runs.`,
  );
}
