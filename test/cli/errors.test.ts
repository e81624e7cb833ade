// How the command line words errors it did not raise itself.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/cli/main.js";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("describeError", () => {
  it("turns Node's raw file-system errors into 'PATH: what went wrong'", () => {
    expect(describeError(thrown(() => readFileSync("/no/such/trace.amt")))).toBe("/no/such/trace.amt: no such file or directory");
    const file = new URL(import.meta.url).pathname;
    expect(describeError(thrown(() => readdirSync(file)))).toBe(`${file}: a part of the path is not a directory`);
  });

  it("keeps messages that already say what was wrong", () => {
    expect(describeError(new Error('unknown policy "x" (known: none)'))).toBe('unknown policy "x" (known: none)');
    expect(describeError("plain")).toBe("plain");
  });
});
