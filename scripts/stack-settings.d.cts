/** Types for stack-settings.cjs (CommonJS, loaded by the framework through `${file(...)}`). */
export interface StackSettings {
  connectInstanceId: string;
  identityManagementType: "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";
  usernameTemplate: string;
  eventBusName: string;
  eventSource: string;
  hrEventBusName: string;
  hrEventSource: string;
  createUserRps: number;
  connectApiRps: number;
  ledgerHistoryDays: number;
  functionTimeout: number;
  memorySize: number;
  batchSize: number;
  batchingWindow: number;
  maximumConcurrency: number;
  maxReceiveCount: number;
  visibilityTimeout: number;
  queueRetentionSeconds: number;
  deadLetterRetentionSeconds: number;
  logLevel: string;
  logRetentionDays: number;
  mappingCacheTtlSeconds: number;
  profileCacheTtlSeconds: number;
  metricsNamespace: string;
  oldestMessageAgeAlarmSeconds: number;
  alarmTopicArn: string;
  deletionProtection: boolean;
  forbiddenSecurityProfiles: string;
  /** The forbidden profiles IAM can name: ARNs as given, IDs as Fn::Sub ARNs in the instance. */
  forbiddenSecurityProfileArns: (string | { "Fn::Sub": string })[];
  denyForbiddenSecurityProfiles: "true" | "false";
  /** Every tag key the role may write on a user (StringLike patterns). */
  userTagKeys: string[];
  managedByTag: string;
  managedByValue: string;
  employeeIdTag: string;
  tableDeletionPolicy: "Retain" | "Delete";
  queueDeletionPolicy: "Retain" | "Delete";
  /** The schema registry's entries, by DetailType's name in code (ConnectUserCreated). */
  eventSchemas: Record<string, { name: string; description: string; content: string }>;
}

/** The function's resource variables: plain names, or a Ref CloudFormation fills in. */
export interface FunctionResources {
  MAPPING_TABLE_NAME: string;
  SOURCE_TABLE_NAME: string;
  LEDGER_TABLE_NAME: string;
  EVENT_BUS_NAME: string;
  DLQ_URL: string | { Ref: string };
}

type Params = Readonly<Record<string, unknown>>;

declare const resolveSettings: {
  (sources: {
    resolveVariable: (address: string) => Promise<unknown>;
    resolveConfigurationProperty: (path: string[]) => Promise<unknown>;
  }): Promise<StackSettings & { functionResources: FunctionResources; bundleExtension: string }>;
  deriveSettings(params: Params, context?: { region?: string }): StackSettings;
  functionResources(context: {
    stage: string;
    names: { table: string; eventBus: string };
    eventBusName: string;
    env?: Readonly<Record<string, string | undefined>>;
  }): FunctionResources;
  LOCAL_STAGE: string;
  PARAM_NAMES: readonly string[];
};
export = resolveSettings;
