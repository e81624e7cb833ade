import { configDefaults, defineConfig } from "vitest/config";

// The real-migration validation runs on its own after the rest: its fault counts follow
// what a userfault costs the host at the time, and other tests' work on its CPU moves
// that cost (docs/validation.md).
const REAL_MIGRATION = "test/validate/validate.test.ts";

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "suite", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, REAL_MIGRATION] } },
      { extends: true, test: { name: "real-migration", include: [REAL_MIGRATION], sequence: { groupOrder: 1 } } },
    ],
  },
});
