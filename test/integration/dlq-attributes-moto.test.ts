/**
 * The DLQ parker against moto's SQS server, an implementation independent of this project's
 * stack (fauxqs takes what SQS refuses). moto refuses a lone surrogate in an attribute value,
 * as SQS does: a failure quoting one could not be parked before its values were encoded.
 * Runs where moto_server is installed (the Python environment of these machines).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeAttributeText,
  SqsDeadLetterParker,
} from "../../shared/adapters/sqs-dead-letter-parker.js";
import { NO_DEADLINE } from "../../shared/application/deadline.js";

const hasMoto = spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

describe.skipIf(!hasMoto)("parking on moto's SQS", () => {
  let moto: ChildProcess | undefined;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    moto = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        if (chunk.toString().includes("Running on")) resolve();
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`moto_server exited with ${code}`)));
    });
    sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "moto", secretAccessKey: "moto" },
      maxAttempts: 1,
    });
    ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "dlq" })));
  }, 60_000);

  afterAll(() => {
    sqs?.destroy();
    moto?.kill("SIGTERM");
  });

  it("moto refuses a raw lone surrogate, as SQS does (the premise of the encoding)", async () => {
    // A queue of its own: moto keeps a refused message half-stored, which breaks later receives.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "premise" }));
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: "{}",
          MessageAttributes: { m: { DataType: "String", StringValue: "a\uD800b" } },
        }),
      ),
    ).rejects.toThrow();
  });

  it("parks a failure whose message holds characters SQS refuses, and reads it back exactly", async () => {
    const message = 'profile "Ad\uD800min\uFFFF\u0007" in rule r1 with a \\ backslash and \\u0041';
    await new SqsDeadLetterParker(sqs, queueUrl).park(
      {
        body: '{"eventType":"EmployeeHired"}',
        reason: "ProfileNotFound",
        message,
        failedAt: new Date("2026-11-28T10:00:00Z"),
        sourceMessageId: "m-1",
        attributes: {},
      },
      NO_DEADLINE,
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    const stored = Messages[0]?.MessageAttributes?.failureMessage?.StringValue ?? "";
    expect(stored).toMatch(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/);
    expect(stored).toContain("\\uD800");
    expect(decodeAttributeText(stored)).toBe(message);
    expect(Messages[0]?.MessageAttributes?.failureReason?.StringValue).toBe("ProfileNotFound");
  });
});
