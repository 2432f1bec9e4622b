import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The content type of the AWS JSON 1.1 protocol, which EventBridge speaks. */
export const JSON_11 = "application/x-amz-json-1.1";

/** Far above any valid PutEvents call (10 entries totalling 256 KB); guards memory only. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/** Reads the whole request body, refusing bodies no valid call could produce. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": JSON_11,
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(body);
}

/**
 * Errors carry the shape the SDK's JSON 1.1 deserializer reads: the code in `__type`
 * (it also strips any `namespace#` prefix) and the text in `message`.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
): void {
  sendJson(res, status, { __type: type, message });
}
