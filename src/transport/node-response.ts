/**
 * The Node.js form of the event stream: the same framing, batching and keep-alive as
 * {@link encodeEventStream}, written straight to a `node:http` response instead of going
 * through a web `ReadableStream`. A server holding thousands of watchers pays per connection
 * only for what the run needs (its subscription and one pending read), and a batch shared by
 * every watcher of a run is one buffer written to every socket.
 */
import type { ServerResponse } from "node:http";
import { isAbortError, type CrewEvent } from "../events/index.js";
import {
  encodeBatch,
  endsRun,
  keepAlive,
  openBatches,
  type EncodeEventStreamOptions,
  type EventBatchSource,
  type EventSource,
} from "./event-stream.js";

/**
 * Writing is shared fairly with the rest of the process. A watcher replaying a long run reads
 * pages that resolve as microtasks and writes them to a socket the kernel drains at once (its
 * `drain` comes on the same turn), so nothing would make it pause: a thousand of them joining
 * a run would write hundreds of megabytes in one turn of the event loop while new connections
 * (and the run itself) wait for seconds. So all event streams of the process share a budget of
 * bytes per turn; a stream that finds it spent waits for the next turn (after I/O is polled).
 */
const TURN_BUDGET_BYTES = 512 * 1024;
let spentThisTurn = 0;
let turnEnds: Promise<void> | undefined;

/** Counts `bytes` against this turn's budget; resolves at once, or on the next turn when spent. */
function afterWriting(bytes: number): Promise<void> | undefined {
  spentThisTurn += bytes;
  turnEnds ??= new Promise((resolve) =>
    setImmediate(() => {
      spentThisTurn = 0;
      turnEnds = undefined;
      resolve();
    }),
  );
  return spentThisTurn >= TURN_BUDGET_BYTES ? turnEnds : undefined;
}

/** Options of {@link writeEventStream}. */
export interface WriteEventStreamOptions extends EncodeEventStreamOptions {
  /** Response status (default 200). */
  status?: number;
  /** Response headers. */
  headers: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Writes the events to `outgoing` as they come, honouring backpressure (a socket that does not
 * drain is not written to until it does; its watcher then falls behind the run on its own
 * account), and ends the response after `run.end`. When the client goes away the signal given
 * to a source function aborts and the source iterator is returned. `onClose` is called exactly
 * once; a failing source is reported to `onError` and cuts the response.
 */
export function writeEventStream(
  outgoing: ServerResponse,
  source: EventSource | EventBatchSource,
  options: WriteEventStreamOptions,
): void {
  const abort = options.abort ?? new AbortController();
  const { encode } = options;
  let finished = false;
  let wakeWriter: (() => void) | undefined;
  const iterator = openBatches(source, abort.signal);

  outgoing.writeHead(options.status ?? 200, options.headers as Record<string, string | string[]>);
  outgoing.flushHeaders();
  // Nothing is queued for a socket that has not drained: one ping at most, never a pile.
  const heartbeat = keepAlive(
    options.heartbeat,
    options.heartbeatMs,
    (ping) => outgoing.write(ping),
    () => !finished && outgoing.writableLength === 0,
  );

  const stop = (): void => {
    if (finished) return;
    finished = true;
    heartbeat.stop();
    outgoing.off("close", stop);
    abort.abort();
    wakeWriter?.();
    options.onClose?.();
  };
  outgoing.once("close", stop);

  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      wakeWriter = () => {
        outgoing.off("drain", wakeWriter!);
        wakeWriter = undefined;
        resolve();
      };
      outgoing.on("drain", wakeWriter);
    });

  const pump = async (): Promise<void> => {
    let pending: Promise<IteratorResult<readonly CrewEvent[]>> | undefined;
    try {
      for (;;) {
        pending = iterator.next();
        const next = await pending;
        pending = undefined;
        if (finished) break;
        if (next.done) {
          outgoing.end();
          break;
        }
        heartbeat.sent();
        const bytes = encodeBatch(encode, next.value);
        const corked = outgoing.socket?.writableCorked ?? 0;
        const fits = outgoing.write(bytes);
        // node:http corks the socket on a write until the next tick, and a burst of tokens
        // parsed in one long chain of promises holds the tick back: the first token would leave
        // only after the whole burst. Sent now, each batch leaves as soon as it is durable.
        if ((outgoing.socket?.writableCorked ?? 0) > corked) outgoing.socket?.uncork();
        if (endsRun(next.value)) {
          outgoing.end();
          break;
        }
        if (!fits) await drained();
        const nextTurn = afterWriting(bytes.length);
        if (nextTurn) await nextTurn;
        if (finished) break;
      }
    } catch (error) {
      if (!(finished && isAbortError(error))) {
        options.onError?.(error);
        outgoing.destroy();
      }
    } finally {
      stop();
      // A next() still in flight settles after the abort; its failure is expected then.
      if (pending) pending.catch(() => undefined);
      await iterator.return?.()?.catch((error: unknown) => options.onError?.(error));
    }
  };
  void pump();
}
