/**
 * The Node.js form of the event stream: the same framing, batching and keep-alive as
 * {@link encodeEventStream}, written straight to a `node:http` response instead of going
 * through a web `ReadableStream`. A server holding thousands of watchers pays per connection
 * only for what the run needs (its subscription and one pending read), and a batch shared by
 * every watcher of a run is one buffer written to every socket. Each write of a replayed page
 * is a step taken in the process's {@link StreamTurns}, and each live batch was handed over in
 * a slice of the event log's delivery turns, so a thousand watchers catching up on a run, or
 * following it live, share the event loop with new connections instead of filling it.
 */
import type { ServerResponse } from "node:http";
import { isAbortError, isLiveBatch, type CrewEvent } from "../events/index.js";
import {
  encodeBatch,
  endsRun,
  keepAlive,
  openBatches,
  type EncodeEventStreamOptions,
  type EventBatchSource,
  type EventSource,
} from "./event-stream.js";
import { streamTurns } from "./stream-turns.js";

/** A write goes to the socket at once when none has for this long, in ms. */
const SEND_AFTER_MS = 1;

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
  outgoing.writeHead(options.status ?? 200, options.headers as Record<string, string | string[]>);
  outgoing.flushHeaders();
  const iterator = openBatches(source, abort.signal);
  // Catching up takes turns with every other stream of the process (see StreamTurns).
  const turns = streamTurns;
  const rank = turns.rank();
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
    /** When a write last went to the socket at once. */
    let lastSentAt = -Infinity;
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
        // Catching up on replayed pages is paced by taking turns here; live batches took their
        // turn in the run's event log (its delivery turns) before they came.
        const paced = !isLiveBatch(next.value);
        const wait = paced ? turns.turn(rank) : undefined;
        if (wait) await wait;
        let fits: boolean;
        let written = 0;
        try {
          if (finished) break;
          heartbeat.sent();
          const bytes = encodeBatch(encode, next.value);
          written = bytes.length;
          fits = outgoing.write(bytes);
          // node:http sends corked writes at the next tick, which a burst parsed in one long
          // chain of promise reactions postpones to its end. A write the socket has not had
          // for a while goes out at once; writes close together still share a send.
          const now = performance.now();
          if (now - lastSentAt >= SEND_AFTER_MS) {
            lastSentAt = now;
            outgoing.socket?.uncork();
          }
        } finally {
          if (paced) turns.done(written);
        }
        if (endsRun(next.value)) {
          outgoing.end();
          break;
        }
        if (!fits) await drained();
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
