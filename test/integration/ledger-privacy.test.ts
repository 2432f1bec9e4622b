/**
 * The ledger keeps no name, email or phone number (docs/lifecycle.md), not even in the events it
 * keeps for a redelivery, whose usernames (here the work email) and username drift are filled
 * in again from Connect and the event when the same event arrives a second time.
 */
import { afterEach, expect, it } from "vitest";
import { runPhases } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const PERSONAL = [
  "Zebulon",
  "Quenby",
  "Ashworth",
  "Zeb",
  "zebulon.quenby@example.com",
  "zeb.ashworth@example.com",
  "+14155550177",
  "+15125550166",
  "@example.com",
];

it("holds no name, email or phone number, and still republishes a redelivered event whole", async () => {
  stack = await startSampleStack();
  const employee = {
    employeeId: "E-zeb",
    firstName: "Zebulon",
    preferredFirstName: "Zeb",
    mobilePhone: "+14155550177",
    deskPhoneNumber: "+15125550166",
  };
  const hire = hireBody({
    ...employee,
    lastName: "Quenby",
    workEmail: "zebulon.quenby@example.com",
  });
  // A name and email correction: the user keeps its username, the event says so.
  const corrected = hireBody(
    { ...employee, lastName: "Ashworth", workEmail: "zeb.ashworth@example.com" },
    { eventType: "EmployeeUpdated", eventId: "zeb-2", occurredAt: "2026-11-29T10:00:00Z" },
  );
  // The correction again, as a replay from the DLQ would bring it: the same event.
  await runPhases(stack, [[hire], [corrected], [corrected]], { consumers: 1, timeoutMs: 10_000 });

  const items = JSON.stringify(await stack.table.ledgerItems());
  expect(items).toContain("E-zeb");
  for (const value of PERSONAL) expect(items).not.toContain(value);

  const updated = stack.eventBridge
    .events()
    .filter((event) => event.detailType === "Connect User Updated");
  expect(updated).toHaveLength(2);
  expect(updated[1]?.detail).toEqual(updated[0]?.detail);
  expect(updated[0]?.detail).toMatchObject({
    username: "zebulon.quenby@example.com",
    usernameDrift: { current: "zebulon.quenby@example.com", desired: "zeb.ashworth@example.com" },
  });
});
