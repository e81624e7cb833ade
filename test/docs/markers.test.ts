// The doc generator's marked blocks: each fill stays within its own markers.
import { describe, expect, it } from "vitest";
import { fillMarkdown, markedBlocks } from "../../scripts/docs-examples.js";

const TEXT = [
  "intro",
  "<!-- output: new-one -->",
  "<!-- /output -->",
  "between",
  "<!-- output: old-one -->",
  "old output",
  "<!-- /output -->",
  "end",
].join("\n");

describe("marked blocks", () => {
  it("an empty block is a block of its own, not the text up to the next block's end", () => {
    expect(markedBlocks(TEXT)).toEqual([
      { id: "new-one", body: "" },
      { id: "old-one", body: "old output" },
    ]);
  });

  it("filling an empty block leaves the text after it and the next block as they were", () => {
    const filled = fillMarkdown(TEXT, (id, body) => (id === "new-one" ? "new output" : body));
    expect(filled).toBe(TEXT.replace("<!-- output: new-one -->\n", "<!-- output: new-one -->\nnew output\n"));
  });
});
