/**
 * The callback styles of `crew.kickoff`: a function called with every event, or a
 * {@link CrewListener} object whose methods are called per event type.
 */
import type { CrewEvent } from "../events/index.js";
import type { CrewListener } from "../crew/index.js";

/** A function called with every event, or a listener object. */
export type EventCallback = ((event: CrewEvent) => void | Promise<void>) | CrewListener;

type Handler = (listener: CrewListener, event: CrewEvent) => void | Promise<void> | undefined;

/** Which listener method each event type calls. */
const HANDLERS: { [T in CrewEvent["type"]]?: Handler } = {
  "run.start": (l, e) => (e.type === "run.start" && l.onRunStart ? l.onRunStart(e) : undefined),
  "task.start": (l, e) => (e.type === "task.start" && l.onTaskStart ? l.onTaskStart(e) : undefined),
  "agent.step": (l, e) => (e.type === "agent.step" && l.onStep ? l.onStep(e) : undefined),
  "text.delta": (l, e) => (e.type === "text.delta" && l.onTextDelta ? l.onTextDelta(e) : undefined),
  "tool.call": (l, e) => (e.type === "tool.call" && l.onToolCall ? l.onToolCall(e) : undefined),
  "tool.result": (l, e) =>
    e.type === "tool.result" && l.onToolResult ? l.onToolResult(e) : undefined,
  "task.delegate": (l, e) =>
    e.type === "task.delegate" && l.onDelegate ? l.onDelegate(e) : undefined,
  "input.request": (l, e) =>
    e.type === "input.request" && l.onInputRequest ? l.onInputRequest(e) : undefined,
  "llm.retry": (l, e) => (e.type === "llm.retry" && l.onRetry ? l.onRetry(e) : undefined),
  "task.end": (l, e) => (e.type === "task.end" && l.onTaskEnd ? l.onTaskEnd(e) : undefined),
  "run.end": (l, e) => (e.type === "run.end" && l.onRunEnd ? l.onRunEnd(e) : undefined),
};

/**
 * Delivers one event: to the function, or to the listener's `onEvent` and then its method for
 * the event's type. Awaits async callbacks, so a slow callback slows the run (backpressure);
 * a callback that throws ends the run and `kickoff` rejects with its error.
 */
export async function dispatchEvent(callback: EventCallback, event: CrewEvent): Promise<void> {
  if (typeof callback === "function") {
    await callback(event);
    return;
  }
  await callback.onEvent?.(event);
  await HANDLERS[event.type]?.(callback, event);
}
