import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { sendMessageBatches } from "../shared/adapters/sqs-send-batches.js";
import { parseMessageBody } from "../shared/domain/message-body.js";
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
 * to see the DLQ work); a body the function would reject is pointed out on stderr.
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
  const messageIds: string[] = [];
  try {
    for (const { start, items: chunk } of sendMessageBatches(bodies, ({ body }) => body)) {
      const output = await attempt(`sending to ${options.queueUrl}`, () =>
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: chunk.map(({ body }, i) => ({ Id: `m${start + i}`, MessageBody: body })),
          }),
        ),
      );
      const ids = new Map((output.Successful ?? []).map((entry) => [entry.Id, entry.MessageId]));
      for (const failure of output.Failed ?? []) {
        const index = Number(failure.Id?.slice(1));
        io.stderr(
          `${bodies[index]?.where ?? failure.Id}: not sent: ${failure.Code} ${failure.Message ?? ""}\n`,
        );
      }
      messageIds.push(...chunk.flatMap((_, i) => ids.get(`m${start + i}`) ?? []));
      if (output.Failed?.length) {
        throw new OperationError(
          `${plural(messageIds.length, "message")} sent, then SQS refused ${output.Failed.length}; stopped`,
        );
      }
    }
  } finally {
    sqs.destroy();
  }
  if (options.json)
    printJson(io, { queueUrl: options.queueUrl, sent: messageIds.length, messageIds });
  else io.stdout(`Sent ${plural(messageIds.length, "message")} to ${options.queueUrl}\n`);
  return EXIT.ok;
};
