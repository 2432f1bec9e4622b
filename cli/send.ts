import { parseMessageBody } from "../shared/domain/message-body.js";
import { MessageTooLargeError, REWRITE_NOTE, sendBodies } from "../shared/queue-tools.js";
import { type AwsOptions, sqsClient } from "./aws.js";
import { readEventBodies } from "./event-file.js";
import { attempt, type CliIo, EXIT, OperationError, printJson } from "./io.js";
import { plural } from "./mappings/rule-file.js";

export interface SendOptions extends AwsOptions {
  readonly queueUrl: string;
  readonly json?: boolean;
}

/**
 * Enqueues each body verbatim, as an HR system would, bad ones included (a smoke test may want
 * to see the DLQ work); a body the function would reject is pointed out on stderr. A body SQS
 * would refuse for its size stops the command before anything is sent.
 */
export const runSend = async (file: string, options: SendOptions, io: CliIo): Promise<number> => {
  const bodies = await readEventBodies(file);
  for (const { where, body } of bodies) {
    const parsed = parseMessageBody(body);
    if (!parsed.ok) {
      io.stderr(
        `note: ${where} will be parked as ${parsed.error.reason}: ${parsed.error.message}\n`,
      );
    }
  }
  const sqs = sqsClient(options);
  let outcome: Awaited<ReturnType<typeof sendBodies>>;
  try {
    outcome = await attempt(`sending to ${options.queueUrl}`, () =>
      sendBodies(
        sqs,
        options.queueUrl,
        bodies.map(({ body }) => body),
      ).catch((error: unknown) => {
        if (!(error instanceof MessageTooLargeError)) throw error;
        throw new OperationError(`${bodies[error.index]?.where}: ${error.message}; nothing sent`);
      }),
    );
  } finally {
    sqs.destroy();
  }
  for (const { index, rewrite } of outcome.rewritten) {
    io.stderr(`note: ${bodies[index]?.where}: ${REWRITE_NOTE[rewrite]}\n`);
  }
  for (const failure of outcome.refused) {
    io.stderr(
      `${bodies[failure.index]?.where}: not sent: ${failure.code} ${failure.message}`.trimEnd() +
        "\n",
    );
  }
  const messageIds = outcome.messageIds.filter((id): id is string => id !== undefined);
  if (outcome.refused.length > 0) {
    throw new OperationError(
      `${plural(messageIds.length, "message")} sent, then SQS refused ${outcome.refused.length}; stopped`,
    );
  }
  if (options.json)
    printJson(io, { queueUrl: options.queueUrl, sent: messageIds.length, messageIds });
  else io.stdout(`Sent ${plural(messageIds.length, "message")} to ${options.queueUrl}\n`);
  return EXIT.ok;
};
