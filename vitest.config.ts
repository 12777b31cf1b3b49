import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine and conformance suites start real processes (the Pulumi CLI, Python clients).
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    // Two cores: more workers only add contention to suites that are mostly waiting on subprocesses.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
  },
});
