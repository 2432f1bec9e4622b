import { describe, expect, it } from "vitest";
import { sendMessageBatches } from "../../../shared/adapters/sqs-send-batches.js";

describe("sendMessageBatches", () => {
  it("puts at most 10 messages in a batch, in order", () => {
    const bodies = Array.from({ length: 23 }, (_, i) => `m${i}`);
    const batches = sendMessageBatches(bodies, (body) => body);
    expect(batches.map((b) => [b.start, b.items.length])).toEqual([
      [0, 10],
      [10, 10],
      [20, 3],
    ]);
    expect(batches.flatMap((b) => b.items)).toEqual(bodies);
  });

  it("keeps each batch's bodies within 1 MiB, counting UTF-8 bytes", () => {
    const big = "é".repeat(200 * 1024); // 400 KiB in UTF-8
    const batches = sendMessageBatches([big, big, big, "small"], (body) => body);
    expect(batches.map((b) => b.items.length)).toEqual([2, 2]);
    for (const batch of batches) {
      expect(batch.items.reduce((n, body) => n + Buffer.byteLength(body), 0)).toBeLessThanOrEqual(
        1024 * 1024,
      );
    }
  });

  it("gives a message of 1 MiB a batch of its own", () => {
    const full = "x".repeat(1024 * 1024);
    expect(sendMessageBatches(["a", full, "b"], (body) => body).map((b) => b.items.length)).toEqual(
      [1, 1, 1],
    );
  });
});
