import { REDRIVEN_BY_SQS } from "../shared/adapters/sqs-dead-letter-parker.js";
import { REASON_CODES } from "../shared/domain/failures.js";

/**
 * The codes `dlq replay --reason` accepts: every reason the function parks with (transient ones
 * too: it parks those on the last attempt), and SQS's own redrive. A typo must not silently
 * select nothing.
 */
export const dlqReasons = (): string[] => [...REASON_CODES, REDRIVEN_BY_SQS];
