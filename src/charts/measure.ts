// Text measurement. Node lays out no text, so Plot cannot size its margins to its labels;
// we measure tick labels with @napi-rs/canvas in the report's own font (Noto Sans CJK when
// installed, the same face the printed page uses) and size margins from that.

import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import { existsSync } from "node:fs";

/** Where Debian/Ubuntu's fonts-noto-cjk puts its faces. */
const cjkFontPaths = [
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
];

let context: SKRSContext2D | undefined;
const widths = new Map<string, number>();

function measuringContext(): SKRSContext2D {
  if (context) return context;
  for (const path of cjkFontPaths) {
    if (existsSync(path)) {
      // The collection's first face is JP; alias it to the family name the page asks for
      // (CJK ideographs and Latin advance widths agree across the SC/JP faces).
      if (!GlobalFonts.has("Noto Sans CJK SC")) GlobalFonts.registerFromPath(path, "Noto Sans CJK SC");
      break;
    }
  }
  context = createCanvas(8, 8).getContext("2d");
  return context;
}

/** The canvas font shorthand for a CSS font-family stack (families napi-rs does not know are skipped by Skia). */
export function canvasFont(fontSize: number, fontFamily: string): string {
  return `${fontSize}px ${fontFamily}`;
}

/** Width in px of a single line of text. Cached: tick labels repeat across passes and charts. */
export function measureText(text: string, fontSize: number, fontFamily: string): number {
  const font = canvasFont(fontSize, fontFamily);
  const key = `${font}\u0000${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    const ctx = measuringContext();
    ctx.font = font;
    w = ctx.measureText(text).width;
    // Ignore absurd answers (an unknown font can yield 0): fall back to a generous estimate.
    if (!(w > 0) && text.length > 0) w = estimateWidth(text, fontSize);
    widths.set(key, w);
  }
  return w;
}

/** Wide characters (CJK, fullwidth) take about 1em, others about 0.6em. */
function estimateWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += /[\u1100-\uffdc\u{20000}-\u{3ffff}]/u.test(ch) ? 1 : 0.6;
  return em * fontSize;
}
