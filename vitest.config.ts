import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Each file in its own process: a local stack points the SDK at itself through
    // process.env. Most integration and reliability files wait on sockets, pacing and
    // visibility timeouts rather than CPU, so more workers than cores finish sooner.
    pool: "forks",
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // A private temporary directory for the run, checked empty at the end.
    globalSetup: ["test/support/temp-dir-check.ts"],
    // Every event a test publishes is checked against docs/schemas/ (test/support/event-contracts.ts).
    setupFiles: ["test/support/contract-check-setup.ts"],
    env: {
      // The AWS SDK's own switch for its notice that it will soon need Node 22 (this project
      // supports 20.19): it would otherwise print once per worker and child process. Only that
      // notice: every other warning still shows.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
