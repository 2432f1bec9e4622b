/**
 * The contract documents, generated from the schemas of input-events.ts and output-events.ts:
 * the JSON Schemas of docs/schemas/, the AsyncAPI document docs/asyncapi.yaml, and the content of
 * the stack's EventBridge schema registry. `npm run schemas` writes the first two; the stack
 * settings (scripts/stack-settings.cjs) compute the third when the stack is packaged; tests check
 * that the committed files are what this module generates.
 *
 * Never imported by the function: generating JSON Schema is for build time, not a cold start.
 */
import * as z from "zod/mini";
import { eventSchemas, NUMERIC_ID_FIELDS, PHONE_PUNCTUATION } from "../domain/employee-event.js";
import { DATE_TIME } from "../domain/hr-version.js";
import { DEFAULT_EVENT_SOURCE, DETAIL_TYPES, type DetailType } from "./detail-types.js";
import {
  CloudEventsEnvelopeSchema,
  EventBridgeEnvelopeSchema,
  INPUT_EVENT_DESCRIPTIONS,
  INPUT_EVENT_SCHEMAS,
  LeaverEmployeeSchema,
  RawBodySchema,
  SnsEnvelopeSchema,
} from "./input-events.js";
import { fileNameOf, pascalNameOf } from "./names.js";
import { OUTPUT_DETAIL_SCHEMAS, OUTPUT_EVENT_DESCRIPTIONS } from "./output-events.js";

export { fileNameOf, pascalNameOf };

const { DateTimeSchema, EmployeeSchema, EventSchema, PhoneNumberSchema } = eventSchemas();

export type JsonSchema = { [key: string]: unknown };

/** What one docs/schemas/ file describes. */
export type SchemaKind = "input-event" | "envelope" | "output-event";

export interface SchemaDocument {
  /** The file's name without `.json`: the title in kebab case. */
  readonly name: string;
  /** The event type, the envelope, or the DetailType. */
  readonly title: string;
  readonly kind: SchemaKind;
  readonly schema: JsonSchema;
}

/**
 * The schemas' identifiers: names, not addresses (the files live in the repository, not at a
 * URL); a URN says so. The JSON Schema draft is 7, the one AsyncAPI's own schema format extends
 * and most validators and code generators read.
 */
export const schemaId = (name: string): string => `urn:connect-onboarding:schema:${name}`;
const DRAFT = "draft-07";

// --- the wire form of input events --------------------------------------------------------------

/**
 * E.164 with the punctuation the function removes first allowed anywhere after the "+": what a
 * producer may send in a phone field.
 */
const p = `${PHONE_PUNCTUATION.source}*`;
export const LENIENT_PHONE = `^${p}\\+${p}[1-9](?:${p}\\d){1,14}${p}$`;

/** The objects the function reads field by field, counting null and "" as absent. */
const COMPACTED_OBJECTS: ReadonlySet<z.core.$ZodType> = new Set([
  ...Object.values(INPUT_EVENT_SCHEMAS),
  EventSchema,
  EmployeeSchema,
  LeaverEmployeeSchema,
]);

/** The ID fields in which the function reads a number as text. */
const NUMERIC_IDS: ReadonlySet<z.core.$ZodType> = new Set(
  [...NUMERIC_ID_FIELDS].flatMap((field) => {
    const schema =
      (EventSchema.shape as Record<string, z.core.$ZodType>)[field] ??
      (EmployeeSchema.shape as Record<string, z.core.$ZodType>)[field];
    if (!schema) throw new Error(`${field} is not a field of the employee event`);
    return [schema];
  }),
);

const SAFE_INTEGER = {
  type: "integer",
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
};

/**
 * What the function accepts besides what its schemas say, because it reads a body before it
 * validates it (shared/domain/employee-event.ts): null and "" in an optional field are absent,
 * numbers in ID fields are text, phone numbers lose their punctuation, and a date-time is the
 * RFC 3339 form parseDateTime reads. (Override may change a generated schema, not replace it:
 * a schema that takes another form is rewritten in place.)
 */
const wireForm: NonNullable<z.core.ToJSONSchemaParams["override"]> = ({
  zodSchema,
  jsonSchema,
}) => {
  if (zodSchema === PhoneNumberSchema) jsonSchema.pattern = LENIENT_PHONE;
  if (zodSchema === DateTimeSchema) jsonSchema.pattern = DATE_TIME.source;
  if (NUMERIC_IDS.has(zodSchema)) {
    const { description, ...text } = jsonSchema;
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, description ? { description } : {}, {
      anyOf: [text, SAFE_INTEGER],
    });
  }
  if (!COMPACTED_OBJECTS.has(zodSchema) || !jsonSchema.properties) return;
  const required = new Set((jsonSchema.required as string[] | undefined) ?? []);
  const properties = jsonSchema.properties as Record<string, JsonSchema>;
  for (const [key, property] of Object.entries(properties)) {
    if (required.has(key)) continue;
    const { description } = property;
    delete property.description;
    properties[key] = {
      ...(description ? { description } : {}),
      anyOf: [property, { enum: [null, ""] }],
    };
  }
};

// --- docs/schemas/ ----------------------------------------------------------------------------

const document = (
  title: string,
  kind: SchemaKind,
  zodSchema: z.core.$ZodType,
  description: string,
  name = fileNameOf(title),
): SchemaDocument => {
  const generated = z.toJSONSchema(zodSchema, {
    target: DRAFT,
    io: kind === "output-event" ? "output" : "input",
    ...(kind === "output-event" ? {} : { override: wireForm }),
    reused: "inline",
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    name,
    title,
    kind,
    schema: { $schema, $id: schemaId(name), title, description, ...rest },
  };
};

/** The envelopes of DESIGN section 2, titled as docs/events.md names them. */
export const ENVELOPES = [
  {
    name: "raw-body",
    title: "Raw body",
    schema: RawBodySchema,
    description: "The message body is the employee event itself.",
  },
  {
    name: "eventbridge-envelope",
    title: "EventBridge envelope",
    schema: EventBridgeEnvelopeSchema,
    description:
      "An EventBridge event, as a rule whose target is the onboarding queue delivers it: the detail is the employee event or just its employee object.",
  },
  {
    name: "sns-envelope",
    title: "SNS envelope",
    schema: SnsEnvelopeSchema,
    description:
      "An SNS notification, as a subscription without raw message delivery delivers it: Message is the employee event as a string.",
  },
  {
    name: "cloudevents-envelope",
    title: "CloudEvents envelope",
    schema: CloudEventsEnvelopeSchema,
    description:
      "A CloudEvents 1.0 event in structured JSON mode: data (an object or a JSON string) or data_base64 is the employee event or just its employee object.",
  },
] as const;

/** Every schema of docs/schemas/: the input event types, the envelopes, the bus's Details. */
export const contractSchemas = (): SchemaDocument[] => [
  ...Object.entries(INPUT_EVENT_SCHEMAS).map(([eventType, schema]) =>
    document(
      eventType,
      "input-event",
      schema,
      INPUT_EVENT_DESCRIPTIONS[eventType as keyof typeof INPUT_EVENT_SCHEMAS],
    ),
  ),
  ...ENVELOPES.map(({ name, title, schema, description }) =>
    document(title, "envelope", schema, description, name),
  ),
  ...DETAIL_TYPES.map((detailType) =>
    document(
      detailType,
      "output-event",
      OUTPUT_DETAIL_SCHEMAS[detailType],
      OUTPUT_EVENT_DESCRIPTIONS[detailType],
    ),
  ),
];

/** A schema file's text, as committed: two-space JSON and a final newline. */
export const schemaFileText = (document: SchemaDocument): string =>
  `${JSON.stringify(document.schema, null, 2)}\n`;

// --- the EventBridge schema registry ----------------------------------------------------------

/** One schema of the registry: the whole event as EventBridge delivers it, in OpenAPI 3. */
export interface RegistrySchema {
  readonly detailType: DetailType;
  readonly schemaName: string;
  readonly description: string;
  /** The OpenAPI 3 document, as the registry's Content (a string). */
  readonly content: string;
}

/**
 * The registry's schemas in the form EventBridge's own schema discovery writes: an OpenAPI 3
 * document whose AWSEvent names the DetailType and source (x-amazon-events-*) and refers to the
 * Detail. That is the form the registry generates code bindings from.
 */
export const registrySchemas = (source: string): RegistrySchema[] =>
  DETAIL_TYPES.map((detailType) => {
    const name = pascalNameOf(detailType);
    const detail = z.toJSONSchema(OUTPUT_DETAIL_SCHEMAS[detailType], {
      target: "openapi-3.0",
      reused: "inline",
    }) as JsonSchema;
    const content = {
      openapi: "3.0.0",
      info: { version: "1.0.0", title: name },
      paths: {},
      components: {
        schemas: {
          AWSEvent: {
            type: "object",
            required: [
              "detail-type",
              "resources",
              "detail",
              "id",
              "source",
              "time",
              "region",
              "version",
              "account",
            ],
            "x-amazon-events-detail-type": detailType,
            "x-amazon-events-source": source,
            properties: {
              detail: { $ref: `#/components/schemas/${name}` },
              account: { type: "string" },
              "detail-type": { type: "string" },
              id: { type: "string" },
              region: { type: "string" },
              resources: { type: "array", items: { type: "string" } },
              source: { type: "string" },
              time: { type: "string", format: "date-time" },
              version: { type: "string" },
            },
          },
          [name]: { description: OUTPUT_EVENT_DESCRIPTIONS[detailType], ...detail },
        },
      },
    };
    return {
      detailType,
      // A schema name is [A-Za-z0-9._@-]: anything else in the source becomes a dash.
      schemaName: `${source.replace(/[^A-Za-z0-9._-]/g, "-")}@${name}`,
      description: OUTPUT_EVENT_DESCRIPTIONS[detailType],
      content: JSON.stringify(content),
    };
  });

// --- docs/asyncapi.yaml -----------------------------------------------------------------------

/** Samples to show in the AsyncAPI document, by message (see messageKeys). */
export type Examples = Readonly<
  Record<string, readonly { name: string; summary: string; payload: unknown }[]>
>;

export interface AsyncApiOptions {
  /** The API's version: the package's. */
  readonly version: string;
  readonly examples: Examples;
}

const ref = (path: string) => ({ $ref: path });
const schemaRef = (name: string) => ref(`./schemas/${name}.json`);

/**
 * The messages of each channel, by key: each input event type and envelope producers may send,
 * and each DetailType of the bus.
 */
export const messageKeys = (): { queue: string[]; bus: string[] } => ({
  queue: [
    ...Object.keys(INPUT_EVENT_SCHEMAS),
    ...ENVELOPES.filter((e) => e.name !== "raw-body").map((e) => pascalNameOf(e.title)),
  ],
  bus: DETAIL_TYPES.map(pascalNameOf),
});

/**
 * The AsyncAPI 3 document of docs/asyncapi.yaml: the onboarding queue (what producers may send),
 * the bus (what subscribers receive), each message's payload by reference to docs/schemas/.
 */
export const asyncApiDocument = ({ version, examples }: AsyncApiOptions): JsonSchema => {
  const withExamples = (key: string, message: JsonSchema): JsonSchema => {
    const list = examples[key] ?? [];
    return list.length > 0 ? { ...message, examples: list } : message;
  };
  const inputMessages: Record<string, JsonSchema> = {};
  for (const [eventType, description] of Object.entries(INPUT_EVENT_DESCRIPTIONS)) {
    inputMessages[eventType] = withExamples(eventType, {
      name: eventType,
      title: eventType,
      summary: description,
      contentType: "application/json",
      payload: schemaRef(fileNameOf(eventType)),
    });
  }
  for (const envelope of ENVELOPES) {
    if (envelope.name === "raw-body") continue;
    const key = pascalNameOf(envelope.title);
    inputMessages[key] = withExamples(key, {
      name: key,
      title: envelope.title,
      summary: envelope.description,
      contentType: "application/json",
      payload: schemaRef(envelope.name),
    });
  }
  const busMessages: Record<string, JsonSchema> = {};
  for (const detailType of DETAIL_TYPES) {
    const key = pascalNameOf(detailType);
    busMessages[key] = withExamples(key, {
      name: key,
      title: detailType,
      summary: OUTPUT_EVENT_DESCRIPTIONS[detailType],
      contentType: "application/json",
      payload: {
        type: "object",
        description:
          "The event as an EventBridge target receives it; detail is this DetailType's Detail.",
        required: ["version", "id", "detail-type", "source", "time", "detail"],
        properties: {
          version: { type: "string", const: "0" },
          id: {
            type: "string",
            description:
              "EventBridge's own ID: differs per delivery attempt of PutEvents; de-duplicate on detail.eventId.",
          },
          "detail-type": { type: "string", const: detailType },
          source: {
            type: "string",
            default: DEFAULT_EVENT_SOURCE,
            description: "The stack's eventSource (EVENT_SOURCE).",
          },
          account: { type: "string" },
          time: { type: "string", format: "date-time" },
          region: { type: "string" },
          resources: { type: "array", items: { type: "string" } },
          detail: schemaRef(fileNameOf(detailType)),
        },
      },
      "x-eventbridge-detail-type": detailType,
    });
  }
  const refs = (channel: string, messages: Record<string, unknown>) =>
    Object.keys(messages).map((key) => ref(`#/channels/${channel}/messages/${key}`));
  return {
    asyncapi: "3.0.0",
    info: {
      title: "connect-onboarding",
      version,
      description:
        "Makes Amazon Connect users match HR: employee events in on an SQS queue, what was done out on an EventBridge bus. Subscribers: docs/subscribers.md. Generated by `npm run schemas` from shared/contracts/; do not edit by hand.",
    },
    defaultContentType: "application/json",
    servers: {
      sqs: {
        host: "sqs.{region}.amazonaws.com",
        protocol: "sqs",
        description: "Amazon SQS in the stack's Region.",
        variables: { region: { default: "us-east-1" } },
      },
      eventbridge: {
        host: "events.{region}.amazonaws.com",
        protocol: "https",
        description:
          "Amazon EventBridge in the stack's Region (PutEvents; rules deliver to targets).",
        variables: { region: { default: "us-east-1" } },
      },
    },
    channels: {
      onboardingQueue: {
        address: "connect-onboarding-{stage}-onboarding",
        title: "The onboarding queue",
        description:
          "One employee event per message, raw or in an envelope (detected automatically). Bodies up to 256 KiB; anything the function cannot use is parked on the dead-letter queue with a reason code.",
        servers: [ref("#/servers/sqs")],
        parameters: { stage: { description: "The stack's stage.", default: "dev" } },
        messages: inputMessages,
        bindings: {
          sqs: {
            queue: { name: "connect-onboarding-{stage}-onboarding", fifoQueue: false },
            deadLetterQueue: {
              name: "connect-onboarding-{stage}-onboarding-dlq",
              fifoQueue: false,
            },
            bindingVersion: "0.2.0",
          },
        },
      },
      eventBus: {
        address: "connect-onboarding-{stage}",
        title: "The provisioning events bus",
        description:
          "What the service did, one event per change or failure, at least once. The stack's eventBusName when given, else this bus.",
        servers: [ref("#/servers/eventbridge")],
        parameters: { stage: { description: "The stack's stage.", default: "dev" } },
        messages: busMessages,
      },
    },
    operations: {
      receiveEmployeeEvents: {
        action: "receive",
        title: "Receive employee events",
        summary: "The function consumes the onboarding queue (SQS event source mapping).",
        channel: ref("#/channels/onboardingQueue"),
        messages: refs("onboardingQueue", inputMessages),
      },
      publishProvisioningEvents: {
        action: "send",
        title: "Publish provisioning events",
        summary: "The function publishes what it did (PutEvents).",
        channel: ref("#/channels/eventBus"),
        messages: refs("eventBus", busMessages),
      },
    },
  };
};
