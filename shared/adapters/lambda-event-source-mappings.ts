import {
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  type LambdaClient,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { EventSourceMappingError } from "../domain/quarantine.js";
import type { CallContext, EventSourceMappings, MappingStatus } from "../ports.js";

/**
 * The Lambda API's event source mapping operations (the SDK retries throttling and 5xx itself).
 * Errors come back as EventSourceMappingError carrying Lambda's error name.
 */
export class LambdaEventSourceMappings implements EventSourceMappings {
  constructor(private readonly client: () => LambdaClient) {}

  async find(
    functionName: string,
    eventSourceArn: string,
    context: CallContext,
  ): Promise<MappingStatus | undefined> {
    try {
      const pages = paginateListEventSourceMappings(
        { client: this.client(), pageSize: 100 },
        { FunctionName: functionName, EventSourceArn: eventSourceArn },
        // Every page's call ends by the deadline.
        { abortSignal: context.deadline.signal },
      );
      for await (const page of pages) {
        const found = (page.EventSourceMappings ?? []).find(
          (mapping) => mapping.EventSourceArn === eventSourceArn && mapping.UUID,
        );
        if (found) return statusOf(found, functionName);
      }
      return undefined;
    } catch (error) {
      // No such function: it has no mapping either.
      if (nameOf(error) === "ResourceNotFoundException") return undefined;
      throw failure(`ListEventSourceMappings for ${functionName}`, error);
    }
  }

  async get(uuid: string, context: CallContext): Promise<MappingStatus | undefined> {
    try {
      const mapping = await this.client().send(new GetEventSourceMappingCommand({ UUID: uuid }), {
        abortSignal: context.deadline.signal,
      });
      return statusOf(mapping);
    } catch (error) {
      if (nameOf(error) === "ResourceNotFoundException") return undefined;
      throw failure(`GetEventSourceMapping ${uuid}`, error);
    }
  }

  async setEnabled(uuid: string, enabled: boolean, context: CallContext): Promise<MappingStatus> {
    try {
      const mapping = await this.client().send(
        new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }),
        { abortSignal: context.deadline.signal },
      );
      return statusOf(mapping);
    } catch (error) {
      throw failure(`UpdateEventSourceMapping ${uuid} (Enabled=${enabled})`, error);
    }
  }
}

const nameOf = (error: unknown): string => (error instanceof Error ? error.name : "UnknownError");

const failure = (what: string, error: unknown): EventSourceMappingError =>
  new EventSourceMappingError(
    `${what}: ${nameOf(error)}${error instanceof Error ? `: ${error.message}` : ""}`,
    nameOf(error),
    { cause: error },
  );

/** The function's name from its ARN (arn:...:function:NAME[:qualifier]). */
const functionOf = (functionArn: string | undefined): string => functionArn?.split(":")[6] ?? "";

const statusOf = (
  mapping: EventSourceMappingConfiguration,
  functionName?: string,
): MappingStatus => ({
  uuid: mapping.UUID ?? "",
  functionName: functionName ?? functionOf(mapping.FunctionArn),
  eventSourceArn: mapping.EventSourceArn ?? "",
  state: mapping.State ?? "Unknown",
});
