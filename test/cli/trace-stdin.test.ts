// `-` is standard input only to trace import: trace info and trace export read a trace
// file (at offsets, an amt in place), and said "-: no such file or directory" for `-`.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../trace/helpers.js";
import { ampom } from "./capture.js";

describe("a trace command that reads a file, given - for standard input", () => {
  for (const command of ["info", "export"]) {
    it(`trace ${command} -: says it reads a file, not standard input; writes nothing`, async () => {
      const out = join(tempDir(), "out.txt");
      const r = await ampom("trace", command, "-", ...(command === "export" ? ["-o", out] : []));
      expect(r).toEqual({
        code: 1,
        stdout: "",
        stderr: `ampom: -: trace ${command} reads a trace file, not standard input (only trace import reads standard input; a file named - is ./-)\n`,
      });
      expect(existsSync(out)).toBe(false);
    });
  }
});
