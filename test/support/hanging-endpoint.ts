/**
 * An AWS endpoint on loopback that takes requests and, for those chosen, never answers: the
 * fault of an endpoint that accepts the connection and then hangs. Requests not chosen are
 * passed to `upstream` as they are (an emulator of the local stack).
 */
import { createServer, type IncomingMessage, request } from "node:http";
import type { Socket } from "node:net";

export interface HangingEndpoint {
  readonly url: string;
  /** Resolves once the first request has been left hanging. */
  readonly hung: Promise<IncomingMessage>;
  stop(): Promise<void>;
}

export const startHangingEndpoint = async (
  options: { upstream?: string; hangs?: (request: IncomingMessage) => boolean } = {},
): Promise<HangingEndpoint> => {
  const hangs = options.hangs ?? (() => true);
  const sockets = new Set<Socket>();
  let markHung: (request: IncomingMessage) => void = () => undefined;
  const hung = new Promise<IncomingMessage>((resolve) => {
    markHung = resolve;
  });
  const server = createServer((incoming, outgoing) => {
    if (!options.upstream || hangs(incoming)) {
      incoming.resume();
      markHung(incoming);
      return;
    }
    const forwarded = request(
      new URL(incoming.url ?? "/", options.upstream),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    hung,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
