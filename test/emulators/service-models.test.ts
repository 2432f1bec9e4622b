/**
 * The emulators' routes, error statuses and enumerations, checked against botocore's service
 * models: a source nobody here wrote (the SDK for JavaScript is generated from the same Smithy
 * models, so tests through it cannot catch a route both got wrong in the same way).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LAMBDA_ROUTES } from "../../emulators/lambda/api.js";
import { LAMBDA_ERROR_SHAPES } from "../../emulators/lambda/api-errors.js";
import { SCHEDULER_ROUTES } from "../../emulators/scheduler/emulator.js";
import { SCHEDULER_ERROR_STATUS } from "../../emulators/scheduler/errors.js";
import { ACTIONS, STATES } from "../../emulators/scheduler/validation.js";

interface Model {
  operations: Record<
    string,
    {
      http: { method: string; requestUri: string; responseCode?: number };
      errors?: { shape: string }[];
    }
  >;
  shapes: Record<
    string,
    {
      enum?: string[];
      error?: { httpStatusCode: number };
      members?: Record<string, { shape: string }>;
    }
  >;
}

/** Reads a model through botocore's own loader, which also undoes its gzip. */
function botocoreModel(service: string): Model | undefined {
  try {
    const json = execFileSync(
      "python3",
      [
        "-c",
        "import botocore.loaders,json,sys; print(json.dumps(botocore.loaders.create_loader().load_service_model(sys.argv[1], 'service-2')))",
        service,
      ],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    return JSON.parse(json) as Model;
  } catch {
    return undefined;
  }
}

const scheduler = botocoreModel("scheduler");
const lambda = botocoreModel("lambda");

/** `/schedules/{Name}` → ["schedules", 1 label]; query strings in URIs are not used here. */
function shapeOf(uri: string): { segments: string[]; labels: number } {
  const parts = uri.split("?")[0]?.split("/").filter(Boolean) ?? [];
  return {
    segments: parts.filter((part) => !part.startsWith("{")),
    labels: parts.filter((part) => part.startsWith("{")).length,
  };
}

describe.runIf(scheduler)("the Scheduler emulator against botocore's scheduler model", () => {
  const model = scheduler as Model;

  it("serves each operation at the model's method and path", () => {
    for (const route of SCHEDULER_ROUTES) {
      const http = model.operations[route.operation]?.http;
      expect(http, route.operation).toBeDefined();
      expect(route.method, route.operation).toBe(http?.method);
      expect(shapeOf(http?.requestUri ?? ""), route.operation).toEqual({
        segments: [route.resource],
        labels: route.labels,
      });
    }
  });

  it("answers every error shape of those operations with the model's status", () => {
    const shapes = new Set(
      SCHEDULER_ROUTES.flatMap((route) =>
        (model.operations[route.operation]?.errors ?? []).map((error) => error.shape),
      ),
    );
    for (const shape of shapes) {
      expect(SCHEDULER_ERROR_STATUS[shape as keyof typeof SCHEDULER_ERROR_STATUS], shape).toBe(
        model.shapes[shape]?.error?.httpStatusCode,
      );
    }
  });

  it("accepts exactly the model's enumerations", () => {
    expect([...STATES]).toEqual(model.shapes.ScheduleState?.enum);
    expect([...ACTIONS]).toEqual(model.shapes.ActionAfterCompletion?.enum);
  });
});

describe.runIf(lambda)("the Lambda emulator against botocore's lambda model", () => {
  const model = lambda as Model;

  it("serves each event source mapping operation at the model's method, path and status", () => {
    const status: Record<string, number> = {
      CreateEventSourceMapping: 202,
      GetEventSourceMapping: 200,
      ListEventSourceMappings: 200,
      UpdateEventSourceMapping: 202,
      DeleteEventSourceMapping: 202,
    };
    for (const route of LAMBDA_ROUTES) {
      const http = model.operations[route.operation]?.http;
      expect(http, route.operation).toBeDefined();
      expect(route.method, route.operation).toBe(http?.method);
      expect(shapeOf(http?.requestUri ?? ""), route.operation).toEqual({
        segments: ["2015-03-31", "event-source-mappings"],
        labels: route.labels,
      });
      expect(http?.responseCode ?? 200, route.operation).toBe(status[route.operation]);
    }
  });

  it("answers every error shape of those operations with the model's status and message member", () => {
    const shapes = new Set(
      LAMBDA_ROUTES.flatMap((route) =>
        (model.operations[route.operation]?.errors ?? []).map((error) => error.shape),
      ),
    );
    expect(shapes.size).toBeGreaterThan(0);
    for (const shape of shapes) {
      const ours = LAMBDA_ERROR_SHAPES[shape as keyof typeof LAMBDA_ERROR_SHAPES];
      expect(ours?.status, shape).toBe(model.shapes[shape]?.error?.httpStatusCode);
      expect(Object.keys(model.shapes[shape]?.members ?? {}), shape).toContain(ours?.member);
    }
  });
});
