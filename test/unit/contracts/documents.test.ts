/**
 * The contract files: docs/schemas/*.json and docs/asyncapi.yaml are what the code generates
 * (`npm run schemas`), every event type and DetailType has its schema, the AsyncAPI document is
 * valid AsyncAPI 3.0 (the specification's own JSON Schema, @asyncapi/specs), and the schema
 * registry's documents are OpenAPI 3.0 schemas that the real events validate against.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import specs from "@asyncapi/specs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ASYNCAPI_PATH,
  contractFiles,
  contractValidator,
  SCHEMAS_DIR,
} from "../../../scripts/contract-files.js";
import {
  SUBSCRIBERS_PAGE,
  sampleBlockNames,
  samplePath,
  withSampleBlocks,
} from "../../../scripts/published-samples.js";
import { DETAIL_TYPES } from "../../../shared/contracts/detail-types.js";
import {
  contractSchemas,
  fileNameOf,
  registrySchemas,
  type SchemaDocument,
  schemaId,
} from "../../../shared/contracts/documents.js";
import { EMPLOYEE_EVENT_TYPES } from "../../../shared/domain/employee-event.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

let generated: Map<string, string>;
let schemas: SchemaDocument[];
beforeAll(async () => {
  generated = await contractFiles(ROOT);
  schemas = contractSchemas();
});

const newAjv = () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv;
};

describe("the committed contract files", () => {
  it("are what `npm run schemas` generates (run it after changing a schema)", () => {
    for (const [path, text] of generated) expect(read(path), path).toBe(text);
  });

  it("hold no schema the code no longer generates", () => {
    const committed = readdirSync(join(ROOT, SCHEMAS_DIR)).map((name) => `${SCHEMAS_DIR}/${name}`);
    expect(committed.sort()).toEqual(
      [...generated.keys()].filter((path) => path.startsWith(`${SCHEMAS_DIR}/`)).sort(),
    );
  });
});

describe("docs/schemas/", () => {
  const titled = (kind: SchemaDocument["kind"]) =>
    schemas.filter((s) => s.kind === kind).map((s) => s.schema.title);

  it("has a schema titled by each input event type of DESIGN section 2", () => {
    expect(titled("input-event")).toEqual([...EMPLOYEE_EVENT_TYPES]);
  });

  it("has a schema titled by each DetailType of section 7", () => {
    expect(titled("output-event")).toEqual([...DETAIL_TYPES]);
    expect(DETAIL_TYPES).toEqual([
      "Connect User Created",
      "Connect User Updated",
      "Connect User Removal Scheduled",
      "Connect User Removed",
      "Connect User Provisioning Failed",
      "Provisioning Quarantined",
      "Provisioning Resumed",
    ]);
  });

  it("has a schema for each envelope: raw, EventBridge, SNS, CloudEvents", () => {
    expect(titled("envelope")).toEqual([
      "Raw body",
      "EventBridge envelope",
      "SNS envelope",
      "CloudEvents envelope",
    ]);
  });

  it("names each file after its title, with an $id of its own and a description", () => {
    const ids = new Set<unknown>();
    for (const { name, title, schema, kind } of schemas) {
      if (kind !== "envelope") expect(name).toBe(fileNameOf(title));
      expect(schema.$id).toBe(schemaId(name));
      expect(schema.title).toBe(title);
      expect(typeof schema.description).toBe("string");
      expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
      ids.add(schema.$id);
    }
    expect(ids.size).toBe(schemas.length);
  });

  it("are valid draft-07 schemas that ajv compiles in strict mode", () => {
    const ajv = newAjv();
    for (const { name, schema } of schemas) expect(() => ajv.compile(schema), name).not.toThrow();
  });

  it("close every bus Detail: no member beyond those listed (so no password can ride along)", () => {
    for (const { name, schema } of schemas.filter((s) => s.kind === "output-event")) {
      expect(schema.additionalProperties, name).toBe(false);
      expect(JSON.stringify(schema).toLowerCase(), name).not.toContain("password");
    }
  });

  it("leave input events open: unknown fields are ignored, never an error", () => {
    for (const { name, schema } of schemas.filter((s) => s.kind !== "output-event")) {
      expect(JSON.stringify(schema), name).not.toContain('"additionalProperties":false');
    }
  });

  it("accept the committed bus samples, and refuse them with a member added", () => {
    const validatorOf = contractValidator(schemas);
    for (const detailType of ["Connect User Created", "Connect User Updated"] as const) {
      const sample = JSON.parse(read(samplePath(detailType)));
      const validate = validatorOf(schemas.find((s) => s.title === detailType) as SchemaDocument);
      expect(validate(sample.detail), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ ...sample.detail, workEmail: "ann@example.com" })).toBe(false);
    }
  });
});

describe("docs/asyncapi.yaml", () => {
  let document: Record<string, unknown>;
  beforeAll(() => {
    document = parse(read(ASYNCAPI_PATH)) as Record<string, unknown>;
  });

  it("is valid AsyncAPI 3.0.0 per the specification's JSON Schema (@asyncapi/specs)", () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(specs.schemasWithoutId["3.0.0"] as object);
    const ok = validate(document);
    expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
    expect(document.asyncapi).toBe("3.0.0");
  });

  it("is refused by that schema when broken, so the check above can fail", () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const validate = ajv.compile(specs.schemasWithoutId["3.0.0"] as object);
    const operations = document.operations as Record<string, Record<string, unknown>>;
    const broken = {
      ...document,
      operations: {
        ...operations,
        receiveEmployeeEvents: { ...operations.receiveEmployeeEvents, action: "consume" },
      },
    };
    expect(validate(broken)).toBe(false);
  });

  const channel = (name: string) =>
    (document.channels as Record<string, { messages: Record<string, Record<string, unknown>> }>)[
      name
    ] as { messages: Record<string, Record<string, unknown>> };

  it("lists every input event type and envelope on the queue, every DetailType on the bus", () => {
    expect(Object.values(channel("onboardingQueue").messages).map((m) => m.title)).toEqual([
      ...EMPLOYEE_EVENT_TYPES,
      "EventBridge envelope",
      "SNS envelope",
      "CloudEvents envelope",
    ]);
    expect(Object.values(channel("eventBus").messages).map((m) => m.title)).toEqual([
      ...DETAIL_TYPES,
    ]);
  });

  it("refers to schemas that exist, and every example validates against its message's payload", () => {
    const validatorOf = contractValidator(schemas);
    const byFile = (ref: string) => {
      const name = /^\.\/schemas\/([\w-]+)\.json$/.exec(ref)?.[1];
      const schema = schemas.find((s) => s.name === name);
      if (!schema) throw new Error(`${ref} is not a schema of docs/schemas/`);
      expect(() => read(`docs/${ref.slice(2)}`)).not.toThrow();
      return validatorOf(schema);
    };
    let examples = 0;
    for (const [key, message] of Object.entries(channel("onboardingQueue").messages)) {
      const validate = byFile((message.payload as { $ref: string }).$ref);
      for (const example of (message.examples ?? []) as { payload: unknown }[]) {
        expect(validate(example.payload), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
        examples++;
      }
    }
    for (const [key, message] of Object.entries(channel("eventBus").messages)) {
      const payload = message.payload as {
        properties: { detail: { $ref: string }; "detail-type": { const: string } };
      };
      const validate = byFile(payload.properties.detail.$ref);
      for (const example of (message.examples ?? []) as {
        payload: { "detail-type": string; detail: unknown };
      }[]) {
        expect(example.payload["detail-type"]).toBe(payload.properties["detail-type"].const);
        expect(validate(example.payload.detail), `${key}: ${JSON.stringify(validate.errors)}`).toBe(
          true,
        );
        examples++;
      }
    }
    // The raw hire, its three envelopes, the termination sample, and the captured bus events.
    expect(examples).toBeGreaterThanOrEqual(8);
  });
});

describe("the EventBridge schema registry's documents", () => {
  const registry = () => registrySchemas("connect-onboarding");

  it("name each DetailType and the source, as EventBridge's schema discovery does", () => {
    expect(registry().map((r) => r.detailType)).toEqual([...DETAIL_TYPES]);
    for (const schema of registry()) {
      const content = JSON.parse(schema.content);
      expect(content.openapi).toBe("3.0.0");
      const event = content.components.schemas.AWSEvent;
      expect(event["x-amazon-events-detail-type"]).toBe(schema.detailType);
      expect(event["x-amazon-events-source"]).toBe("connect-onboarding");
      expect(content.components.schemas[event.properties.detail.$ref.split("/").at(-1)]).toEqual(
        expect.objectContaining({ type: "object", additionalProperties: false }),
      );
      expect(schema.schemaName).toMatch(/^connect-onboarding@[A-Za-z]+$/);
    }
  });

  it("fit the registry's limits: content up to 100,000 characters, description up to 256", () => {
    for (const schema of registry()) {
      expect(schema.content.length).toBeLessThanOrEqual(100_000);
      expect(schema.description.length).toBeLessThanOrEqual(256);
      // The framework would read "${" in a stack value as a variable.
      expect(schema.content).not.toContain("${");
    }
  });

  it("hold OpenAPI 3.0 Schema Objects (checked against that schema, as @asyncapi/specs ships it)", () => {
    const spec = specs.schemasWithoutId["3.0.0"] as { definitions: Record<string, unknown> };
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(spec, "asyncapi");
    const validate = ajv.getSchema("asyncapi#/definitions/openapiSchema_3_0");
    if (!validate) throw new Error("no OpenAPI 3.0 Schema Object definition in @asyncapi/specs");
    for (const schema of registry()) {
      for (const [name, component] of Object.entries(
        JSON.parse(schema.content).components.schemas as Record<string, unknown>,
      )) {
        expect(validate(component), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it("accept the captured samples as EventBridge delivers them", () => {
    for (const detailType of ["Connect User Created", "Connect User Updated"] as const) {
      const schema = registry().find((r) => r.detailType === detailType);
      const content = JSON.parse(schema?.content ?? "{}");
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(content, "registry");
      const validate = ajv.getSchema("registry#/components/schemas/AWSEvent");
      const sample = JSON.parse(read(samplePath(detailType)));
      expect(validate?.(sample), JSON.stringify(validate?.errors)).toBe(true);
      expect(validate?.({ ...sample, detail: { ...sample.detail, password: "x" } })).toBe(false);
    }
  });
});

describe("docs/subscribers.md", () => {
  it("shows each committed bus sample as it is (npm run samples rewrites both)", () => {
    const page = read(SUBSCRIBERS_PAGE);
    const samples = new Map(
      DETAIL_TYPES.flatMap((detailType) => {
        try {
          return [[fileNameOf(detailType), read(samplePath(detailType))] as const];
        } catch {
          return [];
        }
      }),
    );
    expect(sampleBlockNames(page)).toEqual([...samples.keys()]);
    expect(withSampleBlocks(page, samples)).toBe(page);
  });

  it("has a section and a schema link for every DetailType", () => {
    const page = read(SUBSCRIBERS_PAGE);
    for (const detailType of DETAIL_TYPES) {
      expect(page, detailType).toContain(detailType);
      expect(page, detailType).toContain(`(schemas/${fileNameOf(detailType)}.json)`);
    }
  });

  it("is linked from the README and the documentation index", () => {
    expect(read("README.md")).toContain("(docs/subscribers.md)");
    expect(read("docs/README.md")).toContain("(subscribers.md)");
  });
});
