/** What the application may say about its work; the Powertools Logger fits it. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A log made only when something is said: for a step that usually says nothing, so that the
 * keyed child logger a message gets is made once, with the keys known after that step.
 */
export const logWhenUsed = (make: () => Log): Log => {
  let made: Log | undefined;
  const log = () => {
    made ??= make();
    return made;
  };
  return {
    debug: (message, ...extra) => log().debug(message, ...extra),
    info: (message, ...extra) => log().info(message, ...extra),
    warn: (message, ...extra) => log().warn(message, ...extra),
    error: (message, ...extra) => log().error(message, ...extra),
  };
};
