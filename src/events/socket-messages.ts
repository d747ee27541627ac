/**
 * The WebSocket messages: what a client may send (`start`, `subscribe`, `cancel`, `input`,
 * `unsubscribe`) and what the server sends (`event`, `ack`, `error`). One socket can watch
 * several runs. How messages become frames is the transport's business (`transport/websocket.ts`).
 */
import { z } from "zod";
import { threadIdSchema } from "./thread-id.js";
import { onDisconnectSchema, runIdSchema } from "./api-runs.js";
import { ErrorCode } from "./crew-error.js";
import { crewEventSchema, inputsSchema } from "./protocol.js";

const requestIdSchema = z.string().min(1).max(200);

/** Start a run; the server answers `ack { id, runId }`, then the run's events. */
export const startMessageSchema = z.strictObject({
  type: z.literal("start"),
  /** Chosen by the client to match the `ack` or `error` to this request. */
  id: requestIdSchema,
  /** Crew name; the server's default crew when absent. */
  crew: z.string().min(1).max(200).optional(),
  inputs: inputsSchema.default({}),
  /** "cancel" ends the run when this socket closes; default "continue". */
  onDisconnect: onDisconnectSchema.optional(),
  /** Longest the run may take, in ms; past it the run fails with code `timeout`. */
  timeoutMs: z.number().int().positive().optional(),
  /** The thread the run is a turn of: it sees the conversation so far. */
  threadId: threadIdSchema.optional(),
});

/** Watch a run's events with `seq > after` (default 0: from the start). */
export const subscribeMessageSchema = z.strictObject({
  type: z.literal("subscribe"),
  id: requestIdSchema.optional(),
  runId: runIdSchema,
  after: z
    .number()
    .int("after must be an integer")
    .nonnegative("after must not be negative")
    .optional(),
});

/** Cancel a run (not just this socket's watch). */
export const cancelMessageSchema = z.strictObject({
  type: z.literal("cancel"),
  id: requestIdSchema.optional(),
  runId: runIdSchema,
});

/** Answer an `input.request`. */
export const inputMessageSchema = z.strictObject({
  type: z.literal("input"),
  id: requestIdSchema.optional(),
  runId: runIdSchema,
  requestId: requestIdSchema,
  text: z.string().max(100_000),
});

/**
 * Stop watching a run. The run goes on, unless it was started with `onDisconnect: "cancel"`
 * and this was its last watcher.
 */
export const unsubscribeMessageSchema = z.strictObject({
  type: z.literal("unsubscribe"),
  id: requestIdSchema.optional(),
  runId: runIdSchema,
});

/** Any message a client may send. */
export const clientMessageSchema = z.discriminatedUnion("type", [
  startMessageSchema,
  subscribeMessageSchema,
  cancelMessageSchema,
  inputMessageSchema,
  unsubscribeMessageSchema,
]);
/** A client message as the server reads it (defaults filled in). */
export type ClientMessage = z.output<typeof clientMessageSchema>;
/** A client message as a client may send it (`inputs` may be left out of `start`). */
export type ClientMessageInput = z.input<typeof clientMessageSchema>;
export type StartMessage = z.output<typeof startMessageSchema>;
export type SubscribeMessage = z.output<typeof subscribeMessageSchema>;

/** Types a client may send. */
export const CLIENT_MESSAGE_TYPES = [
  "start",
  "subscribe",
  "cancel",
  "input",
  "unsubscribe",
] as const;

/** An event of a run this socket watches. */
export const eventMessageSchema = z.object({
  type: z.literal("event"),
  event: crewEventSchema,
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

/** A request succeeded; `runId` names the run it concerns. */
export const ackMessageSchema = z.object({
  type: z.literal("ack"),
  /** The `id` of the request, when it had one. */
  id: z.string().optional(),
  runId: z.string(),
});
export type AckMessage = z.infer<typeof ackMessageSchema>;

/** A request failed, or the server dropped a watch; the socket stays open. */
export const errorMessageSchema = z.object({
  type: z.literal("error"),
  /** The `id` of the failed request, when it had one. */
  id: z.string().optional(),
  /** The run whose watch was dropped or whose request failed. */
  runId: z.string().optional(),
  /** One of the codes in `ErrorCode`; a client treats codes it does not know as `internal`. */
  code: z.string(),
  message: z.string(),
});
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

/** Any message the server sends. */
export const serverMessageSchema = z.discriminatedUnion("type", [
  eventMessageSchema,
  ackMessageSchema,
  errorMessageSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** The result of {@link parseClientMessage}. */
export type ParseClientMessageResult =
  { ok: true; message: ClientMessage } | { ok: false; error: ErrorMessage };

/**
 * Parses one text frame from a client. Never throws: malformed JSON, an unknown `type` and
 * invalid fields become an `error` message (with the frame's `id` when it had one) that says
 * what to fix.
 */
export function parseClientMessage(data: string): ParseClientMessageResult {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return fail(undefined, "The message is not valid JSON. Send one JSON object per frame.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(undefined, 'The message must be a JSON object with a "type" field.');
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === "string" ? record.id : undefined;
  if (
    typeof record.type !== "string" ||
    !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(record.type)
  ) {
    return fail(
      id,
      `Unknown message type ${JSON.stringify(record.type)}; use one of: ${CLIENT_MESSAGE_TYPES.join(", ")}.`,
    );
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (!parsed.success)
    return fail(id, `Invalid "${record.type}" message: ${z.prettifyError(parsed.error)}`);
  return { ok: true, message: parsed.data };
}

function fail(id: string | undefined, message: string): ParseClientMessageResult {
  return { ok: false, error: errorMessage(ErrorCode.BAD_REQUEST, message, id) };
}

/** Builds an `error` message, leaving out absent ids. */
export function errorMessage(
  code: ErrorCode,
  message: string,
  id?: string,
  runId?: string,
): ErrorMessage {
  return {
    type: "error",
    ...(id === undefined ? {} : { id }),
    ...(runId === undefined ? {} : { runId }),
    code,
    message,
  };
}
