/**
 * A HireProvisioner over the in-memory ports of fake-ports.ts: the real application services,
 * fakes only where AWS would be, on virtual time.
 */
import { CreateUserPacer } from "../../shared/application/create-user-pacer.js";
import { HireProvisioner } from "../../shared/application/hire-provisioner.js";
import { silentLog } from "../../shared/application/log.js";
import { ProfileResolver } from "../../shared/application/profile-resolver.js";
import { DEFAULT_RETRY_POLICY } from "../../shared/application/retry.js";
import { RuleBook } from "../../shared/application/rule-book.js";
import type { CreateUserRequest } from "../../shared/domain/create-user-request.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import type { OutputEvent } from "../../shared/domain/output-events.js";
import type { IdentityManagementType } from "../../shared/domain/username.js";
import type { ConnectUserDirectory, CreateUserResult, ExistingUser } from "../../shared/ports.js";
import { FakeClock } from "./fake-clock.js";
import {
  INSTANCE_ID,
  InMemoryMappingRules,
  InMemoryProfileCatalog,
  InMemoryUserDirectory,
  RecordingPublisher,
} from "./fake-ports.js";

export { INSTANCE_ID, SAMPLE_PROFILES as PROFILES } from "./fake-ports.js";

export interface ProvisionerWorld {
  readonly provisioner: HireProvisioner;
  readonly rules: InMemoryMappingRules;
  readonly catalog: InMemoryProfileCatalog;
  readonly users: ConnectUserDirectory;
  readonly publisher: RecordingPublisher;
  readonly clock: FakeClock;
}

export interface ProvisionerWorldOptions {
  readonly rules?: MappingRule[];
  readonly users?: ConnectUserDirectory;
  readonly createUserRps?: number;
  readonly identityManagementType?: IdentityManagementType;
  readonly usernameTemplate?: string;
  readonly newPassword?: () => string;
}

export const provisionerWorld = (options: ProvisionerWorldOptions = {}): ProvisionerWorld => {
  const clock = new FakeClock();
  const rules = new InMemoryMappingRules(options.rules);
  const catalog = new InMemoryProfileCatalog();
  const users = options.users ?? new InMemoryUserDirectory();
  const publisher = new RecordingPublisher();
  const cache = { ttlMs: 60_000, missRefreshMs: 1_000 };
  const provisioner = new HireProvisioner({
    rules: new RuleBook(rules, cache, clock, silentLog),
    profiles: new ProfileResolver(catalog, INSTANCE_ID, cache, clock),
    users,
    pacer: new CreateUserPacer(options.createUserRps ?? 100, clock),
    publisher,
    settings: {
      instanceId: INSTANCE_ID,
      identityManagementType: options.identityManagementType ?? "SAML",
      usernameTemplate: options.usernameTemplate ?? "{workEmail}",
      eventSource: "connect-onboarding",
    },
    retryPolicy: { ...DEFAULT_RETRY_POLICY, random: () => 0.5 },
    clock,
    newPassword: options.newPassword ?? (() => "Unused1!"),
  });
  return { provisioner, rules, catalog, users, publisher, clock };
};

/** The same world with Connect's answers given as functions, as the regression tests write them. */
export const fakeWorld = (options: {
  rules: MappingRule[];
  createUser: (request: CreateUserRequest) => Promise<CreateUserResult>;
  findUser: (username: string) => Promise<ExistingUser | undefined>;
  createUserRps?: number;
}): {
  provisioner: HireProvisioner;
  published: OutputEvent[];
  created: CreateUserRequest[];
  clock: FakeClock;
} => {
  const created: CreateUserRequest[] = [];
  const world = provisionerWorld({
    rules: options.rules,
    ...(options.createUserRps === undefined ? {} : { createUserRps: options.createUserRps }),
    users: {
      createUser: (request) => {
        created.push(request);
        return options.createUser(request);
      },
      findUser: options.findUser,
    },
  });
  return {
    provisioner: world.provisioner,
    published: world.publisher.published,
    created,
    clock: world.clock,
  };
};
