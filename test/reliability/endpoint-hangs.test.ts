/**
 * Endpoints that accept the connection and never answer (issue 10, item 1), in two shapes:
 *
 * - endpoint-hangs: a share of the requests to every endpoint the function calls is held
 *   unanswered: Connect (all APIs, CreateUser included, through the emulator's hang fault),
 *   PutEvents, the rules Scan (rules are cached for 1 s, so environments read them often) and
 *   the DLQ's SendMessage (through hanging endpoints in front of the EventBridge emulator,
 *   dynalite and fauxqs). Poison is mixed in, so parking runs into hangs too.
 * - slow-connect-with-errors: CreateUser answers after 3 s, and half of its answers are
 *   InternalServiceException, against a 6 s function timeout: a retry cannot finish in time and
 *   is aborted at the deadline (Connect may still have made the user).
 *
 * Either way every invocation returns its outcomes before its timeout: nothing lost, no message
 * parked twice, no user twice. A hire that no delivery could finish is parked on its last one
 * with its transient reason (or, if even the DLQ hung then, moved there by SQS); once the
 * endpoints answer again the operator's DLQ redrive provisions every hire and parks each poison
 * body with its own reason.
 */
import { expect, it } from "vitest";
import { generateHires, generatePoison } from "./support/hires.js";
import {
  type Expected,
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

/** What a hire may end as while the faults last: done, or parked with a transient reason. */
const DURING_FAULTS: Expected = {
  kind: "provisioned-or-parked-transient",
  reasons: [
    "ConnectUnavailable",
    "EventPublishFailed",
    "MappingTableUnavailable",
    // DynamoDB hangs for the source table and the ledger too.
    "SourceTableUnavailable",
    "LedgerUnavailable",
    "EmployeeBusy",
    "UserLookupPending",
    "MaxReceiveCountExceeded",
  ],
  // A created-event that hung on the last delivery leaves a user behind; the redrive adopts it.
  userMayExist: true,
  // So may the failed-event: the hire is parked with its reason all the same.
  failedEventMayBeMissing: true,
};

it(
  "hung Connect, PutEvents, rules Scan and DLQ calls end at the deadline: nothing lost or parked twice",
  async () => {
    const hires = generateHires({ seed: 43, count: 200, prefix: "HG" });
    const poison = generatePoison("HG").filter((p) => /^(not-json|shape):/.test(p.label));
    const scenario = await Scenario.start({
      name: "endpoint-hangs",
      seed: 43,
      preExisting: preExistingUsers(hires.slice(0, 10)),
      hangingEndpoints: true,
      // Lambda's default timeout, and room after it for the deletes: 2 s of room once let a
      // message parked on its last delivery reappear before its delete under a CPU-bound loop,
      // and SQS dead-lettered it a second time (AWS advises six times the function timeout).
      visibilityTimeoutSeconds: 8,
      functionEnv: { MAPPING_CACHE_TTL_SECONDS: "1" },
    });
    let verdict: Verdict | undefined;
    try {
      const { connect } = scenario.stack;
      const { eventBridge, dynamoDb, sqs } = scenario.hanging;
      connect.setFaults("*", { hangRate: 0.02 });
      connect.setFaults("CreateUser", { hangRate: 0.05 });
      // Every n-th call of a kind hangs: few calls are made (PutEvents carries up to ten events,
      // rules are read once a second per environment), and each kind must hang at least once.
      const everyNth = (target: string, n: number) => {
        let seen = 0;
        return (request: { target: string }) => request.target === target && ++seen % n === 0;
      };
      eventBridge.hang(everyNth("AWSEvents.PutEvents", 7));
      dynamoDb.hang(everyNth("DynamoDB_20120810.Scan", 3));
      sqs.hang(everyNth("AmazonSQS.SendMessage", 4));
      const consumers = scenario.consumers({ timeoutMs: 3_000 });
      await scenario.send([...hires.map((hire) => hire.body), ...poison.map((p) => p.body)]);
      const first = await scenario.drain(consumers);
      const during = await scenario.verify(
        {
          hires,
          poison,
          expected: () => DURING_FAULTS,
          // A body that is not canonical may be a source mapping's payload: with the source
          // table hung, which it is cannot be told, and it is parked as that (the redrive
          // below then finds it invalid).
          poisonAlsoAs: ["MaxReceiveCountExceeded", "SourceTableUnavailable"],
        },
        first,
      );
      expect(during.violations).toEqual([]);
      expect(during.figures.invocationTimeouts).toBe(0);
      for (const fault of ["connect-hung", "eventbridge-hung", "dynamodb-hung", "sqs-hung"])
        expect(during.figures.faults[fault], fault).toBeGreaterThan(0);

      // The endpoints answer again; the operator replays the DLQ.
      connect.setFaults("*", { hangRate: 0 });
      connect.setFaults("CreateUser", { hangRate: 0 });
      for (const endpoint of [eventBridge, dynamoDb, sqs]) endpoint.hang(false);
      scenario.count("dlq-messages-redriven", await scenario.redriveDlq());
      const second = await scenario.drain(consumers);
      verdict = await scenario.verify({ hires, poison }, second);
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0, invocationTimeouts: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);

it(
  "a 3 s CreateUser failing half the time: no invocation timeout, no message parked twice",
  async () => {
    const hires = generateHires({ seed: 47, count: 40, prefix: "SE" });
    const scenario = await Scenario.start({
      name: "slow-connect-with-errors",
      seed: 47,
      preExisting: preExistingUsers(hires.slice(0, 4)),
      visibilityTimeoutSeconds: 8,
    });
    let verdict: Verdict | undefined;
    try {
      const { connect } = scenario.stack;
      connect.setFaults("CreateUser", { latencyMs: [3_000, 3_000], errorRate: 0.5 });
      const consumers = scenario.consumers({ timeoutMs: 6_000 });
      await scenario.send(hires.map((hire) => hire.body));
      const first = await scenario.drain(consumers);
      const during = await scenario.verify(
        {
          hires,
          // A CreateUser aborted at the deadline may still have been made by Connect.
          expected: () => ({
            ...DURING_FAULTS,
            reasons: ["ConnectUnavailable"],
            failedEventMayBeMissing: false,
          }),
        },
        first,
      );
      expect(during.violations).toEqual([]);
      expect(during.figures.invocationTimeouts).toBe(0);

      connect.setFaults("CreateUser", { latencyMs: [0, 0], errorRate: 0 });
      scenario.count("dlq-messages-redriven", await scenario.redriveDlq());
      const second = await scenario.drain(consumers);
      verdict = await scenario.verify({ hires }, second);
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0, invocationTimeouts: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);
