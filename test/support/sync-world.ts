/**
 * The employee sync over in-memory ports, paced and retried as the function does it: the real
 * application services, fakes only where AWS would be.
 */
import { ApiPacer } from "../../shared/application/api-pacer.js";
import { EmployeePlanner } from "../../shared/application/employee-planner.js";
import { EmployeeSync } from "../../shared/application/employee-sync.js";
import { silentLog } from "../../shared/application/log.js";
import { pacedCalls } from "../../shared/application/paced-calls.js";
import { ProfileResolver } from "../../shared/application/profile-resolver.js";
import { DEFAULT_RETRY_POLICY } from "../../shared/application/retry.js";
import { RuleBook } from "../../shared/application/rule-book.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import type {
  ApiInvoker,
  CallContext,
  ConnectApi,
  ConnectUsers,
  ProfileCatalog,
} from "../../shared/ports.js";
import { FakeClock } from "./fake-clock.js";
import {
  INSTANCE_ID,
  InMemoryConnect,
  InMemoryLedger,
  InMemoryMappingRules,
  RecordingPublisher,
} from "./fake-ports.js";

export { CALLS, INSTANCE_ID, InMemoryConnect } from "./fake-ports.js";

export interface SyncWorld {
  readonly sync: EmployeeSync;
  readonly rules: InMemoryMappingRules;
  readonly planner: EmployeePlanner;
  readonly connect: InMemoryConnect;
  readonly ledger: InMemoryLedger;
  readonly publisher: RecordingPublisher;
  readonly clock: FakeClock;
}

/** The employee sync over in-memory ports, paced and retried as the function does it. */
export const syncWorld = (options: {
  rules: MappingRule[];
  usernameTemplate?: string;
  connect?: InMemoryConnect;
  rps?: number;
}): SyncWorld => {
  const clock = new FakeClock();
  const connect = options.connect ?? new InMemoryConnect();
  const ledger = new InMemoryLedger(() => clock.now());
  const rules = new InMemoryMappingRules(options.rules);
  const publisher = new RecordingPublisher();
  const invoke: ApiInvoker<ConnectApi> = pacedCalls(
    new ApiPacer<ConnectApi>(() => options.rps ?? 1_000, clock),
    { ...DEFAULT_RETRY_POLICY, random: () => 0.5 },
    clock,
  );
  const paced = pacedPort(connect, invoke);
  const cache = { ttlMs: 60_000, missRefreshMs: 1_000 };
  const settings = {
    instanceId: INSTANCE_ID,
    identityManagementType: "SAML" as const,
    usernameTemplate: options.usernameTemplate ?? "{workEmail}",
    eventSource: "connect-onboarding",
    ledgerHistoryDays: 400,
  };
  const planner = new EmployeePlanner({
    rules: new RuleBook(rules, cache, clock, silentLog),
    profiles: new ProfileResolver(paced, INSTANCE_ID, cache, clock),
    users: paced,
    settings,
  });
  const sync = new EmployeeSync({
    planner,
    users: paced,
    ledger,
    publisher,
    settings,
    clock,
    newPassword: () => "Unused-Pass-1",
  });
  return { sync, rules, planner, connect, ledger, publisher, clock };
};

/** The in-memory instance behind the application's pacing and retries, as the adapter is. */
const pacedPort = (connect: InMemoryConnect, invoke: ApiInvoker<ConnectApi>) => {
  const run =
    <A extends unknown[], T>(api: ConnectApi, method: (...args: A) => Promise<T>) =>
    (...args: [...A, CallContext]): Promise<T> => {
      const context = args[args.length - 1] as CallContext;
      return invoke(api, context, () => method.apply(connect, args.slice(0, -1) as A));
    };
  return {
    createUser: run("CreateUser", connect.createUser),
    describeUser: run("DescribeUser", connect.describeUser),
    findUsersByEmployeeId: run("SearchUsers", connect.findUsersByEmployeeId),
    findUserIdByUsername: run("SearchUsers", connect.findUserIdByUsername),
    updateRoutingProfile: run("UpdateUserRoutingProfile", connect.updateRoutingProfile),
    updateSecurityProfiles: run("UpdateUserSecurityProfiles", connect.updateSecurityProfiles),
    updateHierarchy: run("UpdateUserHierarchy", connect.updateHierarchy),
    updateIdentityInfo: run("UpdateUserIdentityInfo", connect.updateIdentityInfo),
    updatePhoneConfig: run("UpdateUserPhoneConfig", connect.updatePhoneConfig),
    tagUser: run("TagResource", connect.tagUser),
    untagUser: run("UntagResource", connect.untagUser),
    listProfiles: run("ListRoutingProfiles", connect.listProfiles),
  } as ConnectUsers & ProfileCatalog;
};
