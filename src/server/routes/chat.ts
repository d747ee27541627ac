/**
 * The AI SDK chat endpoints for `useChat` clients:
 *
 * - `POST /api/chat`: the body is what `useChat` posts (`{ id, messages, trigger, ...body }`);
 *   the last user message's text becomes the crew's main input (its first required input, else
 *   `topic`), `crew` and other scalar body fields (or an `inputs` object) name the crew and fill
 *   the rest. The chat `id` is the run's thread, so each turn sees the conversation so far. The
 *   run is started with `source: "chat"`, named in `X-Run-Id` and in the message metadata.
 * - `GET /api/chat/:id/stream`: the AI SDK's resume call (`useChat({ resume: true })`): the
 *   thread's active run as a UI message stream from its start (the client replaces the partial
 *   message with it, so no part is lost or repeated), or 204 when nothing is active.
 * - `POST /api/chat/:id/cancel`: the stop button's second half: cancels the thread's active run.
 *
 * A dropped connection only detaches: the run goes on and can be resumed. A body with
 * `onDisconnect: "cancel"` asks for the old behaviour, where closing the stream cancels the run.
 */
import { Hono } from "hono";
import {
  CrewError,
  crewNameSchema,
  ErrorCode,
  flatten,
  isFinished,
  onDisconnectSchema,
  threadIdSchema,
  type ChatCancelled,
} from "../../events/index.js";
import { openWatch } from "../../runs/index.js";
import { inputsFromChatBody, toUIMessageStreamResponse } from "../../transport/index.js";
import type { RouteDeps } from "../deps.js";
import { readJson, validate } from "../read-json.js";
import type { CrewSource } from "../types.js";
import { z } from "zod";

/** What `useChat` posts: an object with a `messages` array; the rest is read by `inputsFromChatBody`. */
const chatBodySchema = z.looseObject({
  messages: z.array(z.unknown(), "messages must be an array of UI messages, as useChat sends it"),
  // useChat forms often send an empty field for "the default crew".
  crew: z.union([z.literal(""), crewNameSchema]).optional(),
  /** The chat's id: the thread of the run. */
  id: threadIdSchema.optional(),
  /** "cancel": closing the stream cancels the run (default "continue": it can be resumed). */
  onDisconnect: onDisconnectSchema.optional(),
});

/** The required inputs of `crew` (or of the default crew), when the catalog lists it. */
async function requiredInputsOf(
  catalog: CrewSource,
  crew: string | undefined,
): Promise<string[] | undefined> {
  const crews = await catalog.list();
  const listing =
    crew === undefined
      ? (crews.find((c) => c.default === true) ?? crews[0])
      : crews.find((c) => c.name === crew);
  return listing?.inputs;
}

/** Streams run `runId` from its start as a UI message stream response. */
async function streamRun(
  deps: RouteDeps,
  runId: string,
  release: () => void,
  cancelOnGone: boolean,
): Promise<Response> {
  const abort = new AbortController();
  const events = flatten(await openWatch(deps.runs, runId, { after: 0, signal: abort.signal }));
  const response = toUIMessageStreamResponse(events, {
    signal: abort.signal,
    headers: { "x-run-id": runId },
  });
  if (response.body === null)
    throw new CrewError(ErrorCode.INTERNAL, "The UI message stream has no body.");
  const onGone = (): void => {
    abort.abort();
    if (!cancelOnGone) return;
    deps.runs
      .cancel(runId)
      .catch((error: unknown) => deps.logger.error(`Cancelling chat run ${runId} failed`, error));
  };
  const body = endOrGone(response.body, release, onGone);
  return new Response(body, { status: response.status, headers: response.headers });
}

/** The thread's runs that have not finished, oldest first. */
async function activeRuns(deps: RouteDeps, threadId: string): Promise<string[] | undefined> {
  const thread = await deps.runs.getThread(threadId);
  return thread?.runs.filter((run) => !isFinished(run.status)).map((run) => run.id);
}

/** Routes of the chat endpoints. */
export function chatRoutes(deps: RouteDeps): Hono {
  return new Hono()
    .post("/chat", async (c) => {
      const body = await readJson(c, chatBodySchema);
      const required = await requiredInputsOf(
        deps.catalog,
        body.crew === "" ? undefined : body.crew,
      );
      const { crew, inputs } = inputsFromChatBody(
        body,
        required === undefined ? {} : { requiredInputs: required },
      );
      // Take the stream slot first, so a client over its cap never starts a run it cannot watch.
      const release = deps.limiter.acquire(deps.clientKey(c));
      try {
        const run = await deps.runs.start({
          inputs,
          source: "chat",
          // Top-level fields of a useChat body become inputs; some are the SDK's own.
          unknownInputs: "keep",
          ...(crew === undefined ? {} : { crew }),
          ...(body.id === undefined ? {} : { threadId: body.id }),
        });
        return await streamRun(deps, run.id, release, body.onDisconnect === "cancel");
      } catch (error) {
        release();
        throw error;
      }
    })
    .get("/chat/:id/stream", async (c) => {
      const id = validate(threadIdSchema, c.req.param("id"), "chat id");
      const active = (await activeRuns(deps, id)) ?? [];
      const runId = active.at(-1);
      if (runId === undefined) return c.body(null, 204);
      const release = deps.limiter.acquire(deps.clientKey(c));
      try {
        return await streamRun(deps, runId, release, false);
      } catch (error) {
        release();
        throw error;
      }
    })
    .post("/chat/:id/cancel", async (c) => {
      const id = validate(threadIdSchema, c.req.param("id"), "chat id");
      const active = await activeRuns(deps, id);
      if (active === undefined)
        throw new CrewError(ErrorCode.NOT_FOUND, `No chat with id ${JSON.stringify(id)}.`);
      await Promise.all(active.map((runId) => deps.runs.cancel(runId)));
      return c.json<ChatCancelled>({ threadId: id, cancelled: active });
    });
}

/**
 * Wraps the response body: `release` runs once when it ends in any way, and `onGone` when the
 * client cancels it before the end (it closed the connection or pressed stop).
 */
function endOrGone(
  stream: ReadableStream<Uint8Array>,
  release: () => void,
  onGone: () => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          release();
          controller.error(error);
        }
      },
      async cancel(reason) {
        release();
        onGone();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
