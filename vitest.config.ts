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
  },
});
