/**
 * Deadlines: the moment by which a piece of work must be done, as an explicit value. The
 * handler makes them from the Lambda context; the use cases pass them on; every port method
 * takes one, and its adapter hands `signal` to each SDK call (`client.send(command,
 * { abortSignal })`), so a call still running at `at` is aborted, not abandoned. Waits (retry
 * backoff, pacing, PutEvents retries) never start unless they end before `at`. No global or
 * async-local state: what a call may spend is visible where it is made.
 */
import type { Clock } from "./clock.js";

export interface Deadline {
  /** Epoch ms. */
  readonly at: number;
  /** Aborts at `at`. */
  readonly signal: AbortSignal;
}

/** The deadline at `at` on `clock`. */
export const deadlineAt = (at: number, clock: Clock): Deadline => ({
  at,
  signal: clock.signalAt(at),
});

/**
 * For callers with no invocation to answer to (the operator CLI, which the operator stops with
 * Ctrl-C): never aborts.
 */
export const NO_DEADLINE: Deadline = {
  at: Number.POSITIVE_INFINITY,
  signal: new AbortController().signal,
};

export const remainingMs = (deadline: Deadline, clock: Clock): number =>
  Math.max(0, deadline.at - clock.now());

export const hasPassed = (deadline: Deadline, clock: Clock): boolean =>
  deadline.signal.aborted || clock.now() >= deadline.at;

/**
 * The two moments of an invocation. `work` bounds provisioning: the rules Scan, the profile
 * lists, every Connect call, the created-event's PutEvents. `park` comes later and bounds what
 * must still happen to a record whose work ran out or failed: its failed-event and its DLQ
 * SendMessage, so that a record aborted on its last delivery is still parked with its reason
 * (or, if even that fails, handed back in batchItemFailures). After `park`, only returning the
 * batch's outcomes is left, well before the Lambda timeout.
 */
export interface InvocationDeadlines {
  readonly work: Deadline;
  readonly park: Deadline;
}

/** Kept back from the Lambda timeout for returning the batch response: at most 1 s... */
const RETURN_MARGIN_MS = 1_000;
/** ...and kept between the end of work and the end of parking: at most 2 s... */
const PARK_RESERVE_MS = 2_000;
/**
 * ...but never more than these shares of the invocation: with a short timeout (Lambda's default
 * is 3 s) fixed margins would leave no time to retry anything or to take a paced CreateUser slot.
 */
const RETURN_MARGIN_SHARE = 0.1;
const PARK_RESERVE_SHARE = 0.2;

/** The deadlines of an invocation that has `remaining` ms before its Lambda timeout. */
export const invocationDeadlines = (remaining: number, clock: Clock): InvocationDeadlines => {
  const end = clock.now() + remaining;
  const park = end - Math.min(RETURN_MARGIN_MS, remaining * RETURN_MARGIN_SHARE);
  const work = park - Math.min(PARK_RESERVE_MS, remaining * PARK_RESERVE_SHARE);
  return { work: deadlineAt(work, clock), park: deadlineAt(park, clock) };
};

/**
 * The first half of what is left before `deadline`: for a step that must leave room for
 * another after it under the same deadline (a failed-event before the DLQ SendMessage).
 */
export const firstHalf = (deadline: Deadline, clock: Clock): Deadline => {
  const now = clock.now();
  return deadlineAt(now + Math.max(0, deadline.at - now) / 2, clock);
};
