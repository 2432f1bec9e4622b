import type { AddressInfo, Server } from "node:net";

/** Starts listening (port 0: the OS picks one) and resolves with the port it got. */
export const listen = (server: Server, port = 0, host = "127.0.0.1"): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

/** Stops a server now: the SDK keeps sockets alive, and close() alone would wait them out. */
export const close = (server: Server & { closeAllConnections?: () => void }): Promise<void> =>
  new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections?.();
  });
