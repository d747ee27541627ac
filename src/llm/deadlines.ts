/**
 * One timer for the deadlines of every model call in the process. A call has two limits, and
 * its idle one moves with every chunk: two Node timers per call, made and cleared on each call,
 * cost more than the rest of the call's bookkeeping (each new timer duration makes and then
 * drops a timer list). Here a call only notes its deadline; the one timer is set for the
 * earliest, and when it fires tells the calls that are due and is set again for the next.
 */

/** Something with a deadline that may move later (never earlier) while it is watched. */
export interface Deadline {
  /** When it is due, in `performance.now()` milliseconds. */
  dueAt(): number;
  /** Called once, when it is due; it is no longer watched then. */
  expire(): void;
}

const watched = new Set<Deadline>();
let timer: ReturnType<typeof setTimeout> | undefined;
/** When the timer is set to fire (Infinity: not set). */
let timerAt = Infinity;

/** Sets the timer for `at`, unless it is set to fire earlier already. */
function arm(at: number): void {
  if (timer !== undefined) {
    if (at >= timerAt) return;
    clearTimeout(timer);
  }
  timerAt = at;
  // A timer may fire a little early by this clock: the deadline is then checked again.
  timer = setTimeout(check, Math.max(1, Math.ceil(at - performance.now())));
}

function check(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const deadline of [...watched]) {
    if (!watched.has(deadline)) continue;
    const due = deadline.dueAt();
    if (due <= now) {
      watched.delete(deadline);
      deadline.expire();
    } else if (due < next) next = due;
  }
  if (next !== Infinity) arm(next);
}

/** Watches `deadline` until it expires or is {@link unwatch}ed. */
export function watch(deadline: Deadline): void {
  watched.add(deadline);
  arm(deadline.dueAt());
}

/** Stops watching `deadline`; the timer is cleared when nothing is watched. */
export function unwatch(deadline: Deadline): void {
  watched.delete(deadline);
  if (watched.size === 0 && timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
    timerAt = Infinity;
  }
}
