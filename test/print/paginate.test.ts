// The page boxes and the arithmetic behind one-print tables of contents (print/paginate.ts). The
// measurement itself is checked against Chromium's own pagination in pdf.test.ts.

import { describe, expect, it } from "vitest";
import { layoutBox, pageBox, pagesFromColumns, type PageRule } from "../../src/print/paginate.js";

const mm = 96 / 25.4;
const rule = (selector: string, size: string, margin = ""): PageRule => {
  const [top = "", right = top, bottom = top, left = right] = margin.split(" ").filter(Boolean);
  return { selector, size, margin: { top, right, bottom, left } };
};
const a4 = { size: "A4", landscape: false } as const;

describe("pageBox", () => {
  // The default theme's pages: A4 with 22/16/20/16 mm margins, wide pages landscape with 18/14 mm.
  const rules = [rule("", "A4 portrait"), rule("wide", "A4 landscape"), rule("", "", "22mm 16mm 20mm 16mm"), rule("wide", "", "18mm 14mm 18mm 14mm")];

  it("reads the size and margins of unnamed and named pages", () => {
    expect(pageBox(rules, "", a4)).toEqual({ width: expect.closeTo(178 * mm, 6), height: expect.closeTo(255 * mm, 6) });
    expect(pageBox(rules, "wide", a4)).toEqual({ width: expect.closeTo(269 * mm, 6), height: expect.closeTo(174 * mm, 6) });
  });

  it("takes the printer's size when the CSS gives none, and a keyword alone as portrait", () => {
    expect(pageBox([rule("", "", "0")], "", { size: "Letter", landscape: true })).toEqual({ width: expect.closeTo(11 * 96, 6), height: expect.closeTo(8.5 * 96, 6) });
    expect(pageBox([rule("", "auto")], "", a4)).toEqual({ width: expect.closeTo(210 * mm, 6), height: expect.closeTo(297 * mm, 6) });
    expect(pageBox([rule("", "letter")], "", { size: "A4", landscape: true })).toEqual({ width: expect.closeTo(8.5 * 96, 6), height: expect.closeTo(11 * 96, 6) });
  });

  it("reads explicit lengths and percent margins (of the width across, of the height down)", () => {
    expect(pageBox([rule("", "6in 4in", "10% 5%")], "", a4)).toEqual({ width: expect.closeTo(576 - 2 * 28.8, 6), height: expect.closeTo(384 - 2 * 38.4, 6) });
    expect(pageBox([rule("", "100mm")], "", a4)).toEqual({ width: expect.closeTo(100 * mm, 6), height: expect.closeTo(100 * mm, 6) });
  });

  it("gives up on what it cannot read", () => {
    expect(pageBox([rule("", "A4", "2em")], "", a4)).toBeNull();
    expect(pageBox([rule("", "A4 letter")], "", a4)).toBeNull();
    expect(pageBox([rule("", "A4", "150mm 0")], "", a4)).toBeNull();
  });
});

describe("layoutBox", () => {
  it("is a whole number of px across and proportionally taller", () => {
    // Letter with 22/16/20/16 mm margins: 695.06 × 897.26 px laid out 696 px across.
    const box = pageBox([rule("", "letter", "22mm 16mm 20mm 16mm")], "", a4)!;
    expect(layoutBox(box)).toEqual({ width: 696, height: expect.closeTo((box.height * 696) / box.width, 9) });
    expect(layoutBox({ width: 672, height: 960 })).toEqual({ width: 672, height: 960 });
  });
  it("widens every page by the overflow's factor", () => {
    // A 1029 px table on a 972 px wide page: 972 × 1029/972 = 1029 across.
    expect(layoutBox({ width: 972, height: 600 }, 1029 / 972)).toEqual({ width: 1029, height: expect.closeTo((600 * 1029) / 972, 9) });
  });
});

describe("pagesFromColumns", () => {
  it("numbers pages from 1 within one run", () => {
    expect(pagesFromColumns({ runs: [""], starts: { "": [0] }, anchors: { a: { run: 0, column: { "": 0 } }, b: { run: 0, column: { "": 4 } } } })).toEqual({ a: 1, b: 5 });
  });
  it("adds the runs before an anchor, each counted in its own page box", () => {
    // Portrait pages: run 0 in columns 0–3, the wide run would start at 4, the next portrait run at 6.
    // Wide pages: the wide run starts at column 5 and the run after it at 7 (two wide pages).
    const layout = {
      runs: ["", "wide", ""],
      starts: { "": [0, 4, 6], wide: [0, 5, 7] },
      anchors: {
        before: { run: 0, column: { "": 2, wide: 3 } },
        table: { run: 1, column: { "": 4, wide: 6 } },
        after: { run: 2, column: { "": 7, wide: 9 } },
      },
    };
    // before: page 3; table: 4 portrait pages, then its second wide page: 6; after: 4 + 2 wide pages, then its second page: 8.
    expect(pagesFromColumns(layout)).toEqual({ before: 3, table: 6, after: 8 });
  });
});
