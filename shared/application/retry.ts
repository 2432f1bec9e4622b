import {
  ConnectThrottledError,
  ConnectUnavailableError,
  NoPacedSlotError,
} from "../domain/failures.js";
import type { Clock } from "./clock.js";
import { type Deadline, hasPassed } from "./deadline.js";

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A uniform random number in [0, 1), for jitter. */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  random: Math.random,
};

export interface RetryOptions {
  /** No wait or attempt starts unless it can end before it; the operation's calls take it too. */
  readonly deadline: Deadline;
  readonly onRetry?: (error: Error, attempt: number, delayMs: number) => void;
}

/**
 * Throttling and Connect outages heal; everything else is returned to the caller at once, and so
 * is a call the pace has no slot for before the deadline (waiting would not bring one closer).
 */
export const isRetryable = (
  error: unknown,
): error is ConnectThrottledError | ConnectUnavailableError =>
  (error instanceof ConnectThrottledError && !(error instanceof NoPacedSlotError)) ||
  error instanceof ConnectUnavailableError;

/**
 * Runs `operation`, retrying retryable failures with capped exponential backoff and "equal
 * jitter" (half fixed, half random, so a retry never fires at once) while the deadline allows:
 * a wait that would end past it is not started, and an attempt aborted by it is not retried.
 */
export const withRetries = async <T>(
  operation: (deadline: Deadline) => Promise<T>,
  policy: RetryPolicy,
  clock: Clock,
  options: RetryOptions,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(options.deadline);
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.maxAttempts) throw error;
      if (hasPassed(options.deadline, clock)) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
      if (clock.now() + delay > options.deadline.at) throw error;
      options.onRetry?.(error, attempt, delay);
      await clock.sleep(delay);
    }
  }
};
