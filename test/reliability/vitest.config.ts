import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:reliability`: the fault-injection scenarios on the local stack, the handler
 * fuzzer and the regression tests of what they found. `npm test` runs the same files; this
 * config only runs them alone, with more workers than cores: scenarios mostly wait on timers
 * and sockets. Each file runs in its own process, because a local stack points the SDK at
 * itself through process.env.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/reliability/**/*.test.ts", "test/fuzz/**/*.test.ts"],
    globalSetup: ["test/reliability/support/fresh-report.ts", "test/support/temp-dir-check.ts"],
    setupFiles: ["test/support/contract-check-setup.ts"],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    environment: "node",
    pool: "forks",
    maxWorkers: 5,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
