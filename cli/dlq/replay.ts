import {
  DeleteMessageCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { FAILURE_ATTRIBUTES } from "../../shared/adapters/sqs-dead-letter-parker.js";
import { type AwsOptions, sqsClient } from "../aws.js";
import { attempt, type CliIo, describeError, EXIT, printJson, sleep } from "../io.js";
import { plural } from "../mappings/rule-file.js";
import { createProgress, type Progress } from "../progress.js";
import {
  type DeadLetterMessage,
  FRUITLESS_RECEIVES,
  receiveLetters,
  releaseLetters,
  visibleCount,
} from "./letters.js";
import { checkReplayTarget } from "./source-queue.js";

export interface ReplayOptions extends AwsOptions {
  readonly from: string;
  readonly to: string;
  readonly reason?: readonly string[];
  readonly employee?: readonly string[];
  /** Messages sent per second at most. */
  readonly rate: number;
  readonly max?: number;
  readonly dryRun?: boolean;
  readonly visibilityTimeout: number;
  readonly json?: boolean;
}

export interface ReplayReport {
  readonly from: string;
  readonly to: string;
  readonly dryRun: boolean;
  readonly interrupted: boolean;
  /** Sent to the target and deleted from the DLQ (in a dry run: would be). */
  readonly replayed: number;
  /** Not selected by --reason/--employee, or not replayable; left in the DLQ. */
  readonly skipped: number;
  /** The send failed; left in the DLQ. */
  readonly failed: number;
  readonly failures: { messageId: string; employeeId: string | null; error: string }[];
  /** Sent, but the DLQ refused the delete: it reappears there and would be sent again. */
  readonly notDeleted: string[];
  /** What stopped the replay early (the DLQ unreachable, ...), or null. */
  readonly error: string | null;
}

/** The attribute counting how often a message was sent back; the parker carries it along. */
export const REPLAY_COUNT = "replayCount";

/**
 * Sends selected DLQ messages back to the queue, one at a time at the given rate. A message is
 * deleted from the DLQ only after its send succeeded, so at any moment each one is in the DLQ,
 * or sent, or both (only if the process dies between the two calls; replays are idempotent).
 * Messages it does not replay are held hidden while it scans, then made visible again; Ctrl-C
 * stops it after the message in hand. It refuses a target that is not the DLQ's source queue.
 */
export const runDlqReplay = async (options: ReplayOptions, io: CliIo): Promise<number> => {
  const sqs = sqsClient(options);
  const progress = createProgress(io);
  const signal = io.interruptible();
  try {
    try {
      await checkReplayTarget(sqs, options.from, options.to, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      io.stderr("Interrupted before anything was replayed.\n");
      return EXIT.interrupted;
    }
    const report = await replay(sqs, options, signal, progress);
    progress.finish();
    // The counts first, even when something went wrong: the operator must know what moved.
    if (options.json) printJson(io, report);
    else io.stdout(render(report));
    if (report.error) io.stderr(`error: ${report.error}\n`);
    if (report.interrupted) return EXIT.interrupted;
    const clean = !report.error && report.failed === 0 && report.notDeleted.length === 0;
    return clean ? EXIT.ok : EXIT.failed;
  } finally {
    sqs.destroy();
  }
};

interface Tally {
  replayed: number;
  skipped: number;
  failed: number;
  scanned: number;
  failures: ReplayReport["failures"];
  notDeleted: string[];
}

const replay = async (
  sqs: SQSClient,
  options: ReplayOptions,
  signal: AbortSignal,
  progress: Progress,
): Promise<ReplayReport> => {
  const tally: Tally = {
    replayed: 0,
    skipped: 0,
    failed: 0,
    scanned: 0,
    failures: [],
    notDeleted: [],
  };
  // A batch must be sent well within its visibility timeout, or a message could reappear in
  // the DLQ while we still hold it: take at most what a third of the timeout allows at the rate.
  const visibilityTimeoutSeconds = Math.max(options.visibilityTimeout, Math.ceil(3 / options.rate));
  const batchSize = Math.min(
    10,
    Math.max(1, Math.floor((options.rate * visibilityTimeoutSeconds) / 3)),
  );
  // Calls that hold no message in hand take the signal: a stop request ends them at once.
  const total = signal.aborted ? 0 : await visibleCount(sqs, options.from, signal);
  const held = new Map<string, string>();
  const seen = new Set<string>();
  const pace = pacer(options.rate);
  const report = (): ProgressState => ({
    done: tally.scanned,
    total,
    counts: { replayed: tally.replayed, skipped: tally.skipped, failed: tally.failed },
  });
  const atMax = () => options.max !== undefined && tally.replayed + tally.failed >= options.max;

  let error: string | null = null;
  try {
    let fruitless = 0;
    while (!signal.aborted && !atMax() && fruitless < FRUITLESS_RECEIVES) {
      const batch = await receiveLetters(sqs, options.from, {
        count: batchSize,
        visibilityTimeoutSeconds,
        signal,
      });
      // Seen before: a held message whose timeout ran out; keep it held under its new handle.
      for (const letter of batch)
        if (seen.has(letter.messageId)) held.set(letter.messageId, letter.receiptHandle);
      const fresh = batch.filter((letter) => !seen.has(letter.messageId));
      if (fresh.length > 0) fruitless = 0;
      else if (batch.length === 0 && (await visibleCount(sqs, options.from, signal)) === 0) break;
      else fruitless++;
      for (const letter of fresh) {
        if (signal.aborted || atMax()) {
          held.set(letter.messageId, letter.receiptHandle);
          continue;
        }
        const verdict = selects(letter, options);
        if (verdict === true && !options.dryRun) {
          await pace(signal);
          if (signal.aborted) {
            // Stopped before taking it in hand: it stays in the DLQ, unsent.
            held.set(letter.messageId, letter.receiptHandle);
            continue;
          }
        }
        seen.add(letter.messageId);
        tally.scanned++;
        if (verdict !== true) {
          tally.skipped++;
          held.set(letter.messageId, letter.receiptHandle);
          if (verdict) progress.note(`skipped ${describe(letter)}: ${verdict}`);
        } else if (options.dryRun) {
          tally.replayed++;
          held.set(letter.messageId, letter.receiptHandle);
          progress.log(`would replay ${describe(letter)}`);
        } else {
          await sendBack(sqs, options, letter, tally, held, progress);
        }
        progress.update(report());
      }
    }
  } catch (caught) {
    // Once stopped, a failed call is the aborted one: the stop, not an error.
    if (!signal.aborted) error = describeError(caught);
  } finally {
    // Everything not replayed becomes visible in the DLQ again, now rather than at its timeout.
    await releaseLetters(sqs, options.from, [...held.values()]);
  }
  return {
    from: options.from,
    to: options.to,
    dryRun: Boolean(options.dryRun),
    interrupted: signal.aborted,
    replayed: tally.replayed,
    skipped: tally.skipped,
    failed: tally.failed,
    failures: tally.failures,
    notDeleted: tally.notDeleted,
    error,
  };
};

type ProgressState = Parameters<Progress["update"]>[0];

/**
 * The message in hand: send, then delete. Neither call is given the abort signal, so Ctrl-C
 * cannot leave a message sent but still in the DLQ, or deleted but not sent.
 */
const sendBack = async (
  sqs: SQSClient,
  options: ReplayOptions,
  letter: DeadLetterMessage,
  tally: Tally,
  held: Map<string, string>,
  progress: Progress,
): Promise<void> => {
  try {
    await attempt(`sending to ${options.to}`, () =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: options.to,
          MessageBody: letter.body,
          MessageAttributes: replayAttributes(letter.attributes),
          ...fifoFields(options.to, letter),
        }),
      ),
    );
  } catch (error) {
    tally.failed++;
    tally.failures.push({
      messageId: letter.messageId,
      employeeId: letter.employeeId ?? null,
      error: describeError(error),
    });
    held.set(letter.messageId, letter.receiptHandle);
    progress.note(`failed ${describe(letter)}: ${describeError(error)}`);
    return;
  }
  tally.replayed++;
  try {
    await attempt(`deleting from ${options.from}`, () =>
      sqs.send(
        new DeleteMessageCommand({ QueueUrl: options.from, ReceiptHandle: letter.receiptHandle }),
      ),
    );
    progress.log(`replayed ${describe(letter)}`);
  } catch (error) {
    tally.notDeleted.push(letter.messageId);
    progress.note(
      `replayed ${describe(letter)}, but it is still in the DLQ (${describeError(error)}); a later replay sends it again, harmlessly`,
    );
  }
};

/** `true` when selected; otherwise why not, or "" for the plain not-selected case. */
const selects = (letter: DeadLetterMessage, options: ReplayOptions): true | string => {
  if (options.reason?.length && !options.reason.includes(letter.reason)) return "";
  if (options.employee?.length && !options.employee.includes(letter.employeeId ?? "")) return "";
  // The parker cut an oversized body to fit the DLQ: sending the stump back helps nobody.
  if (letter.attributes.bodyTruncated?.StringValue === "true") {
    return "its body was truncated when it was parked, so it cannot be replayed";
  }
  return true;
};

/** The original attributes, minus the failure ones the function writes, plus a replay count. */
export const replayAttributes = (
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): Record<string, MessageAttributeValue> => {
  const kept: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if ((FAILURE_ATTRIBUTES as readonly string[]).includes(name) || name === REPLAY_COUNT) continue;
    kept[name] = {
      DataType: value.DataType,
      ...(value.StringValue === undefined ? {} : { StringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { BinaryValue: value.BinaryValue }),
    };
  }
  const previous = Number(attributes[REPLAY_COUNT]?.StringValue);
  const count = Number.isInteger(previous) && previous > 0 ? previous + 1 : 1;
  kept[REPLAY_COUNT] = { DataType: "Number", StringValue: String(count) };
  return kept;
};

/** A FIFO target needs a group; the DLQ message ID makes a resend after a crash a no-op. */
const fifoFields = (queueUrl: string, letter: DeadLetterMessage) =>
  queueUrl.endsWith(".fifo")
    ? {
        MessageGroupId: letter.systemAttributes.MessageGroupId ?? "connect-onboarding-replay",
        MessageDeduplicationId: letter.messageId,
      }
    : {};

/** Spaces sends 1/rate seconds apart; the wait ends early when the signal aborts. */
const pacer = (rate: number) => {
  const intervalMs = 1000 / rate;
  let next = 0;
  return async (signal: AbortSignal): Promise<void> => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + intervalMs;
    await sleep(at - now, signal);
  };
};

const describe = (letter: DeadLetterMessage): string =>
  `${letter.messageId} (${letter.reason}${letter.employeeId ? `, employee ${letter.employeeId}` : ""})`;

const render = (report: ReplayReport): string => {
  const verb = report.dryRun ? "Dry run: would replay" : "Replayed";
  const lines = [
    `${verb} ${report.replayed}, skipped ${report.skipped}, failed ${report.failed} (${report.from} -> ${report.to})`,
  ];
  if (report.interrupted) {
    lines.push("Interrupted: stopped after the message in hand; the rest are still in the DLQ.");
  }
  if (report.notDeleted.length > 0) {
    lines.push(
      `${plural(report.notDeleted.length, "replayed message")} could not be deleted from the DLQ: ${report.notDeleted.join(", ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
};
