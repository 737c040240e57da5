// The DOM Plot renders into. Node has none, so charts/ builds one jsdom document, once, and
// passes it to Plot as its `document` option. jsdom has no canvas, yet continuous colour
// legends paint their ramp on one and embed `canvas.toDataURL()`: the document's
// createElement("canvas") answers with an @napi-rs/canvas canvas instead.
//
// This is the only shim charts/ needs; the rest of the stage is pure.

import { createCanvas } from "@napi-rs/canvas";
import { JSDOM } from "jsdom";

let shared: Document | undefined;

/** A minimal stand-in for HTMLCanvasElement: what Plot's ramp legend uses (width, height, getContext, toDataURL). */
function createCanvasElement(): unknown {
  let canvas = createCanvas(1, 1);
  return {
    get width() {
      return canvas.width;
    },
    set width(w: number) {
      canvas = createCanvas(Math.max(1, Math.floor(w)), canvas.height);
    },
    get height() {
      return canvas.height;
    },
    set height(h: number) {
      canvas = createCanvas(canvas.width, Math.max(1, Math.floor(h)));
    },
    getContext(kind: string) {
      if (kind !== "2d") throw new Error(`invalid canvas context: ${kind}`);
      return canvas.getContext("2d");
    },
    toDataURL(): string {
      return canvas.toDataURL("image/png");
    },
  };
}

/** The shared jsdom document, with canvas support. */
export function chartDocument(): Document {
  if (shared) return shared;
  const dom = new JSDOM("<!DOCTYPE html><html><head></head><body></body></html>", { pretendToBeVisual: false });
  const document = dom.window.document;
  const createElement = document.createElement.bind(document);
  // Plot calls document.createElement("canvas") only for ramp legends.
  (document as unknown as { createElement: (tag: string, options?: ElementCreationOptions) => unknown }).createElement = (tag, options) =>
    String(tag).toLowerCase() === "canvas" ? createCanvasElement() : createElement(tag, options);
  shared = document;
  return document;
}
