import { ConnectThrottledError, NoPacedSlotError } from "../domain/failures.js";
import type { ApiInvoker, CallContext } from "../ports.js";
import type { ApiPacer } from "./api-pacer.js";
import type { Clock } from "./clock.js";
import { type RetryPolicy, withRetries } from "./retry.js";

/**
 * Every call to a quota-bound API, paced on its API's lane and retried with backoff while the
 * deadline allows; throttling slows that API's lane for every caller in the environment.
 * Adapters run their calls through `invoke`, so the policy lives here, once, not in each call.
 */
export const pacedCalls = <Api extends string>(
  pacer: ApiPacer<Api>,
  retryPolicy: RetryPolicy,
  clock: Clock,
): ApiInvoker<Api> => {
  const attempt = async <T>(api: Api, context: CallContext, call: () => Promise<T>) => {
    if (!(await pacer.take(api, context.deadline.at))) {
      throw new NoPacedSlotError(`${api}: no paced slot left before the function must return`);
    }
    return call();
  };
  return <T>(api: Api, context: CallContext, call: () => Promise<T>): Promise<T> =>
    withRetries(() => attempt(api, context, call), retryPolicy, clock, {
      deadline: context.deadline,
      onRetry: (error, attemptNumber, delayMs) => {
        if (error instanceof ConnectThrottledError) pacer.slowDown(api, delayMs);
        context.log.warn("Connect call failed; retrying", {
          api,
          reason: error.name,
          attempt: attemptNumber,
          delayMs,
        });
      },
    });
};
