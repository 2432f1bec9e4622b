import { afterEach, describe, expect, it, vi } from "vitest";
import { hireBody } from "../../support/lambda-events.js";

/**
 * What the cold start does not do: zod builds a schema's objects when it is declared, a few
 * milliseconds for the event and rule schemas, so they are built when a message first needs
 * them (shared/domain/lazy.ts). This counts the schemas built through zod's factories while the
 * function's modules load and its handler is built, then while one message is read.
 */
const FACTORIES = [
  "string",
  "number",
  "int",
  "boolean",
  "object",
  "strictObject",
  "optional",
  "_default",
  "enum",
  "literal",
  "record",
  "array",
  "union",
  "extend",
] as const;

const ENV = {
  CONNECT_INSTANCE_ID: "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10",
  MAPPING_TABLE_NAME: "onboarding-mappings",
  LEDGER_TABLE_NAME: "onboarding-ledger",
  EVENT_BUS_NAME: "onboarding",
  DLQ_URL: "http://sqs.us-east-1.localhost/123456789012/onboarding-dlq",
  SOURCE_TABLE_NAME: "onboarding-sources",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  POWERTOOLS_METRICS_DISABLED: "true",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
};

afterEach(() => {
  vi.doUnmock("zod/mini");
  vi.doUnmock("@aws-sdk/client-scheduler");
  vi.doUnmock("@aws-sdk/client-lambda");
  vi.resetModules();
});

describe("cold start", () => {
  it("builds no zod schema until a message needs one", async () => {
    const built: string[] = [];
    vi.resetModules();
    vi.doMock("zod/mini", async (importOriginal) => {
      const zod = await importOriginal<Record<string, unknown>>();
      const counted = { ...zod };
      for (const name of FACTORIES) {
        const factory = zod[name] as (...args: unknown[]) => unknown;
        counted[name] = (...args: unknown[]) => {
          built.push(name);
          return factory(...args);
        };
      }
      return counted;
    });
    const { createHandler } = await import("../../../functions/create-onboard-employee-handler.js");
    const { parseMessageBody } = await import("../../../shared/domain/message-body.js");
    createHandler(ENV);
    expect(built).toEqual([]);

    // The counter sees the schemas once a message is read: built then, once.
    const body = hireBody();
    expect(parseMessageBody(body).ok).toBe(true);
    const afterFirst = built.length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(parseMessageBody(body).ok).toBe(true);
    expect(built).toHaveLength(afterFirst);
  });

  it("builds no Scheduler or Lambda client until a future-dated termination or a quarantine needs one", async () => {
    const constructed: string[] = [];
    vi.resetModules();
    const counting = (module: string, className: string) =>
      vi.doMock(module, async (importOriginal) => {
        const original = await importOriginal<Record<string, unknown>>();
        const Client = original[className] as new (...args: unknown[]) => object;
        class Counted extends Client {
          constructor(...args: unknown[]) {
            super(...args);
            constructed.push(className);
          }
        }
        return { ...original, [className]: Counted };
      });
    counting("@aws-sdk/client-scheduler", "SchedulerClient");
    counting("@aws-sdk/client-lambda", "LambdaClient");
    const { createHandler } = await import("../../../functions/create-onboard-employee-handler.js");
    const { createAwsClients } = await import("../../../shared/adapters/aws-clients.js");

    createHandler({
      ...ENV,
      SCHEDULE_GROUP_NAME: "onboarding-leavers",
      SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/onboarding-scheduler",
      QUEUE_ARN: "arn:aws:sqs:us-east-1:123456789012:onboarding",
    });
    expect(constructed).toEqual([]);

    // The thunks build each client once, when first called.
    const clients = createAwsClients();
    expect(clients.scheduler()).toBe(clients.scheduler());
    expect(clients.lambda()).toBe(clients.lambda());
    expect(constructed.sort()).toEqual(["LambdaClient", "SchedulerClient"]);
  });
});
