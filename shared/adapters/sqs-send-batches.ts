/** SendMessageBatch takes at most 10 entries... */
const MAX_ENTRIES = 10;
/** ...and at most 1 MiB of message bodies in all (SQS refuses more with BatchRequestTooLong). */
const MAX_BYTES = 1024 * 1024;

export interface SendBatch<T> {
  /** Index of the batch's first item in the input, for entry IDs that point back to it. */
  readonly start: number;
  readonly items: T[];
}

/** Splits consecutive messages into chunks that one SendMessageBatch call accepts. */
export const sendMessageBatches = <T>(
  items: readonly T[],
  bodyOf: (item: T) => string,
): SendBatch<T>[] => {
  const batches: SendBatch<T>[] = [];
  let bytes = 0;
  items.forEach((item, i) => {
    const size = Buffer.byteLength(bodyOf(item), "utf8");
    const last = batches.at(-1);
    if (!last || last.items.length >= MAX_ENTRIES || bytes + size > MAX_BYTES) {
      batches.push({ start: i, items: [item] });
      bytes = size;
    } else {
      last.items.push(item);
      bytes += size;
    }
  });
  return batches;
};
