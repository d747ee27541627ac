/**
 * `POST /api/chat`: the AI SDK UI message stream for `useChat` clients. The body is what
 * `useChat` posts (`{ id, messages, trigger, ...body }`); the last user message's text becomes
 * the crew's main input (its first required input, else `topic`), `crew` and other scalar body
 * fields (or an `inputs` object) name the crew and fill the rest. The run is started with
 * `source: "chat"` and named in `X-Run-Id`.
 *
 * Stopping the chat means stopping the run: when the client goes away before the run ends, the
 * run is cancelled through the run service (unlike `POST /api/crew/stream`, where closing the
 * stream only detaches).
 */
import { Hono } from "hono";
import { CrewError, crewNameSchema, ErrorCode, flatten } from "../../events/index.js";
import { openWatch } from "../../runs/index.js";
import { inputsFromChatBody, toUIMessageStreamResponse } from "../../transport/index.js";
import type { RouteDeps } from "../deps.js";
import { readJson } from "../read-json.js";
import type { CrewSource } from "../types.js";
import { z } from "zod";

/** What `useChat` posts: an object with a `messages` array; the rest is read by `inputsFromChatBody`. */
const chatBodySchema = z.looseObject({
  messages: z.array(z.unknown(), "messages must be an array of UI messages, as useChat sends it"),
  // useChat forms often send an empty field for "the default crew".
  crew: z.union([z.literal(""), crewNameSchema]).optional(),
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

/** Routes of the chat endpoint. */
export function chatRoutes(deps: RouteDeps): Hono {
  return new Hono().post("/chat", async (c) => {
    const body = await readJson(c, chatBodySchema);
    const required = await requiredInputsOf(deps.catalog, body.crew === "" ? undefined : body.crew);
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
      });
      const abort = new AbortController();
      const events = flatten(
        await openWatch(deps.runs, run.id, { after: 0, signal: abort.signal }),
      );
      const response = toUIMessageStreamResponse(events, {
        signal: abort.signal,
        headers: { "x-run-id": run.id },
      });
      if (response.body === null)
        throw new CrewError(ErrorCode.INTERNAL, "The UI message stream has no body.");
      const onGone = (): void => {
        abort.abort();
        deps.runs
          .cancel(run.id)
          .catch((error: unknown) =>
            deps.logger.error(`Cancelling chat run ${run.id} failed`, error),
          );
      };
      const body = stopOnCancel(response.body, release, onGone);
      return new Response(body, { status: response.status, headers: response.headers });
    } catch (error) {
      release();
      throw error;
    }
  });
}

/**
 * Wraps the response body: `release` runs once when it ends in any way, and `onGone` when the
 * client cancels it before the end (it closed the connection: the chat's stop button).
 */
function stopOnCancel(
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
