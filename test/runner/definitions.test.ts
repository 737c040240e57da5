import { describe, expect, it } from "vitest";
import { withoutRepeats } from "../../src/runner/run.js";

describe("appendix definitions", () => {
  it("print a shared sentence once and refer back, losing no text", () => {
    const defs = [
      { id: "a", title: "A", definition: "Base rule one. Base rule two with 0.95 inside. Own text of A." },
      { id: "b", title: "B", definition: "Base rule one. Base rule two with 0.95 inside. Own text of B." },
      { id: "c", title: "C", definition: "Only C." },
    ];
    expect(withoutRepeats(defs, "en-US").map((d) => d.definition)).toEqual([
      "Base rule one. Base rule two with 0.95 inside. Own text of A.",
      "Own text of B. (Other definitions as above.)",
      "Only C.",
    ]);
    const zh = [
      { id: "a", title: "甲", definition: "共同规则。甲的定义。" },
      { id: "b", title: "乙", definition: "共同规则。乙的定义。" },
    ];
    expect(withoutRepeats(zh, "zh-CN").map((d) => d.definition)).toEqual(["共同规则。甲的定义。", "乙的定义。（其余定义同上。）"]);
  });
});
