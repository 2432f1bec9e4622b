/**
 * DescribeEventBus, per botocore's `events` 2015-10-07 model: `Name` (EventBusNameOrArn,
 * 1 to 1600 characters, a name or an event-bus ARN) is optional and defaults to the default
 * bus; a bus that does not exist is a ResourceNotFoundException (400). The response carries the
 * model's members this emulator has something for: Name, Arn, CreationTime, LastModifiedTime
 * (epoch seconds, as AWS JSON 1.1 sends timestamps). Description, KmsKeyIdentifier,
 * DeadLetterConfig, Policy and LogConfig are left out, as AWS leaves out what a bus lacks.
 */
import { busNameOf, RequestRejection } from "./put-events.js";

/** The model's EventBusNameOrArn pattern, anchored (the model's patterns match the whole value). */
const NAME_OR_ARN =
  /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;
const MAX_NAME_OR_ARN = 1600;

export interface BusRecord {
  readonly createdAt: Date;
}

export interface DescribeEventBusOutput {
  Name: string;
  Arn: string;
  CreationTime: number;
  LastModifiedTime: number;
}

export function describeEventBus(
  body: unknown,
  buses: ReadonlyMap<string, BusRecord>,
  arnOf: (name: string) => string,
): DescribeEventBusOutput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RequestRejection("SerializationException", "Request body must be a JSON object.");
  }
  const requested = (body as { Name?: unknown }).Name;
  if (requested !== undefined && requested !== null) {
    if (typeof requested !== "string") {
      throw new RequestRejection("SerializationException", "Name must be a string.");
    }
    const problem =
      requested.length < 1
        ? "Member must have length greater than or equal to 1"
        : requested.length > MAX_NAME_OR_ARN
          ? `Member must have length less than or equal to ${MAX_NAME_OR_ARN}`
          : NAME_OR_ARN.test(requested)
            ? undefined
            : `Member must satisfy regular expression pattern: ${NAME_OR_ARN.source}`;
    if (problem) {
      throw new RequestRejection(
        "ValidationException",
        `1 validation error detected: Value '${requested}' at 'name' failed to satisfy constraint: ${problem}`,
      );
    }
  }
  const name = busNameOf(requested);
  const bus = buses.get(name);
  if (!bus)
    throw new RequestRejection("ResourceNotFoundException", `Event bus ${name} does not exist.`);
  const seconds = bus.createdAt.getTime() / 1000;
  return { Name: name, Arn: arnOf(name), CreationTime: seconds, LastModifiedTime: seconds };
}
