// Where each anchor will be printed, measured in the loaded page before printing, so that the
// table of contents' page numbers go into the first print. Chromium has no target-counter() and
// exposes no print pagination to scripts, but its fragmentation engine is the same for pages and
// columns: laying the body out as columns of a page's content box (one column per page, forced
// page breaks turned into column breaks) breaks lines, rows (repeated table headers, rows kept
// whole), figures kept whole and headings kept with what follows exactly where the print does,
// and a column's index is a page number. Named pages (`page: wide`, landscape) start new pages and
// have another content box: the document is cut into runs of one page name, each run is laid out
// in its own box, and the runs' page counts add up.
//
// The prediction is checked against the printed PDF's named destinations (report.ts): a layout
// this cannot predict costs a second print, never a wrong number. It gives up (null) on what
// columns cannot imitate: left/right/recto/verso breaks (blank pages), :first/:left/:right page
// rules, and page sizes or margins in units it does not know.

import type { Page } from "puppeteer-core";

/** An @page rule as the page's style sheets declare it. */
export interface PageRule {
  /** "" for @page, the name for @page wide; pseudo-classes included (":first"). */
  selector: string;
  size: string;
  margin: { top: string; right: string; bottom: string; left: string };
}

/** A page's content box in CSS px. */
export interface PageBox {
  width: number;
  height: number;
}

const pxPer: Record<string, number> = { px: 1, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6, pt: 96 / 72, pc: 16 };

/** Page sizes in mm (CSS Paged Media's <page-size> keywords). */
const pageSizesMm: Record<string, [number, number]> = {
  a5: [148, 210],
  a4: [210, 297],
  a3: [297, 420],
  b5: [176, 250],
  b4: [250, 353],
  "jis-b5": [182, 257],
  "jis-b4": [257, 364],
  letter: [215.9, 279.4],
  legal: [215.9, 355.6],
  ledger: [279.4, 431.8],
};

function length(text: string, percentOf: number): number | null {
  const m = /^(-?[\d.]+)(px|in|cm|mm|q|pt|pc|%)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return null;
  const unit = (m[2] ?? "px").toLowerCase();
  if (unit === "%") return (n / 100) * percentOf;
  if (m[2] === undefined && n !== 0) return null;
  return n * pxPer[unit]!;
}

/**
 * The content box of the pages named `name` ("" for unnamed pages): @page, then @page name on top
 * (a named rule is more specific), later rules winning. `fallback` is the size asked of the printer
 * (used when the CSS gives none or `auto`). Null when a value cannot be read.
 */
export function pageBox(rules: PageRule[], name: string, fallback: { size: "A4" | "Letter"; landscape: boolean }): PageBox | null {
  const applying = [...rules.filter((r) => r.selector === ""), ...(name ? rules.filter((r) => r.selector === name) : [])];
  let size = "";
  const margin = { top: "", right: "", bottom: "", left: "" };
  for (const r of applying) {
    if (r.size) size = r.size;
    for (const side of ["top", "right", "bottom", "left"] as const) if (r.margin[side]) margin[side] = r.margin[side];
  }
  // size: auto | <length>{1,2} | <page-size> || portrait | landscape (the printer's when auto).
  const words = size.toLowerCase().split(/\s+/).filter((w) => w && w !== "auto");
  const mm = (key: string): [number, number] => [pageSizesMm[key]![0] * pxPer.mm!, pageSizesMm[key]![1] * pxPer.mm!];
  let [w, h] = mm(fallback.size.toLowerCase());
  if (fallback.landscape) [w, h] = [h, w];
  if (words.length) {
    const lengths = words.map((word) => (word.endsWith("%") ? null : length(word, 0)));
    if (lengths.every((l) => l !== null)) {
      if (lengths.length > 2) return null;
      [w, h] = [lengths[0]!, lengths[1] ?? lengths[0]!];
    } else {
      const named = words.filter((word) => pageSizesMm[word]);
      const orientation = words.filter((word) => word === "portrait" || word === "landscape");
      if (named.length + orientation.length !== words.length || named.length > 1 || orientation.length > 1) return null;
      if (named.length) [w, h] = mm(named[0]!);
      // A size keyword alone is portrait.
      if (orientation[0] === "landscape") [w, h] = [Math.max(w, h), Math.min(w, h)];
      else [w, h] = [Math.min(w, h), Math.max(w, h)];
    }
  }
  // Percent margins: of the page's width for left and right, of its height for top and bottom.
  const m = { top: length(margin.top || "0", h), right: length(margin.right || "0", w), bottom: length(margin.bottom || "0", h), left: length(margin.left || "0", w) };
  if (m.top === null || m.right === null || m.bottom === null || m.left === null) return null;
  const box = { width: w - m.left - m.right, height: h - m.top - m.bottom };
  return box.width > 0 && box.height > 0 ? box : null;
}

/**
 * The box Chromium lays a page's content out in. It lays the printout out a whole number of CSS
 * px wide and scales it onto the paper, so the page is that wide and proportionally taller; when
 * content is wider than its page (a table whose columns do not fit), the whole printout — every
 * page — is laid out wider by the same factor (`shrink`) and scaled down to fit. Measured with
 * 0.25 px blocks on A4 and Letter in both orientations, and against printed reports with wide
 * tables on A4 and Letter (test/print/paginate.test.ts).
 */
export function layoutBox(box: PageBox, shrink = 1): PageBox {
  const width = Math.ceil(Math.ceil(box.width - 1e-6) * shrink - 1e-6);
  return { width, height: (box.height * width) / box.width };
}

/** What the column layouts found: per page name laid out, the column of each run's start and of each anchor. */
export interface ColumnLayout {
  /** The runs of one page name in document order; the first starts at the document's start. */
  runs: string[];
  /** Page name → column (0-based) where each run starts in that name's layout (runs[0]: 0). */
  starts: Record<string, number[]>;
  /** Anchor id → its run and, per page name, its column. Absent: the anchor has no box. */
  anchors: Record<string, { run: number; column: Record<string, number> }>;
}

/** The 1-based page of each anchor: runs before it add their page counts, each measured in its own box. */
export function pagesFromColumns(layout: ColumnLayout): Record<string, number> {
  const offsets: number[] = [0];
  for (let k = 0; k + 1 < layout.runs.length; k++) {
    const own = layout.starts[layout.runs[k]!]!;
    offsets.push(offsets[k]! + own[k + 1]! - own[k]!);
  }
  const pages: Record<string, number> = {};
  for (const [id, a] of Object.entries(layout.anchors)) {
    const name = layout.runs[a.run]!;
    pages[id] = offsets[a.run]! + a.column[name]! - layout.starts[name]![a.run]! + 1;
  }
  return pages;
}

/** In the page: its @page rules and the page names its elements use (computed `page`). */
function readPageRules(): { rules: PageRule[]; names: string[]; blankPages: boolean } {
  const rules: PageRule[] = [];
  const sheets = [...document.styleSheets];
  for (let i = 0; i < sheets.length; i++) {
    let list: CSSRule[] = [];
    try {
      list = [...sheets[i]!.cssRules];
    } catch {
      continue; // a cross-origin sheet: the page is offline, there is none
    }
    for (const r of list) {
      if (r instanceof CSSMediaRule && matchMedia(r.conditionText).matches) list.push(...r.cssRules);
      if (!(r instanceof CSSPageRule)) continue;
      const s = r.style;
      rules.push({ selector: r.selectorText.trim(), size: s.getPropertyValue("size"), margin: { top: s.getPropertyValue("margin-top"), right: s.getPropertyValue("margin-right"), bottom: s.getPropertyValue("margin-bottom"), left: s.getPropertyValue("margin-left") } });
    }
  }
  const names = new Set<string>([""]);
  let blankPages = false;
  for (const el of document.body.querySelectorAll("*")) {
    const cs = getComputedStyle(el);
    if (cs.page && cs.page !== "auto") names.add(cs.page);
    if (/^(left|right|recto|verso)$/.test(cs.breakBefore) || /^(left|right|recto|verso)$/.test(cs.breakAfter)) blankPages = true;
  }
  return { rules, names: [...names], blankPages };
}

/**
 * In the page: lays the body out as columns of each page name's box and reads where the runs of
 * one page name start and where each anchor is, and how much wider than its page the widest
 * content is (1: none is wider). Self-contained (it runs in the browser): no helper functions, no imports. Every change to the
 * document is undone before it returns.
 */
function layColumns(arg: { ids: string[]; boxes: Record<string, PageBox> }): ColumnLayout & { overflow: number } {
  const body = document.body;
  const mark = "data-churnbook-measure";
  const marked: Element[] = [];
  // Runs of one page name: an element whose page name differs from the content before it starts one.
  const nameOf = new Map<Element, string>();
  const bodyPage = getComputedStyle(body).page;
  nameOf.set(body, bodyPage && bodyPage !== "auto" ? bodyPage : "");
  const runs = [nameOf.get(body)!];
  const runStarts: (Element | null)[] = [null];
  const runOf = new Map<Element, number>();
  for (const el of body.querySelectorAll("*")) {
    const cs = getComputedStyle(el);
    const own = cs.page && cs.page !== "auto" ? cs.page : nameOf.get(el.parentElement!) ?? "";
    nameOf.set(el, own);
    if (el.getClientRects().length === 0) continue; // no box (display: none, or inside one)
    const before = /^(page|left|right|recto|verso)$/.test(cs.breakBefore);
    const after = /^(page|left|right|recto|verso)$/.test(cs.breakAfter);
    if (own !== runs[runs.length - 1]) {
      runs.push(own);
      runStarts.push(el);
    }
    runOf.set(el, runs.length - 1);
    if (before || after || runStarts[runStarts.length - 1] === el) {
      el.setAttribute(mark, `${before || runStarts[runStarts.length - 1] === el ? "b" : ""}${after ? "a" : ""}`);
      marked.push(el);
    }
  }
  const style = document.createElement("style");
  document.head.appendChild(style);
  const starts: Record<string, number[]> = {};
  const anchors: ColumnLayout["anchors"] = {};
  let overflow = 1;
  for (const id of arg.ids) {
    const el = document.getElementById(id);
    if (el && runOf.has(el)) anchors[id] = { run: runOf.get(el)!, column: {} };
  }
  for (const name of Object.keys(arg.boxes)) {
    if (!runs.includes(name)) continue;
    const { width, height } = arg.boxes[name]!;
    style.textContent = `html { margin: 0 !important; padding: 0 !important; }
body { margin: 0 !important; padding: 0 !important; border: 0 !important; box-sizing: content-box !important; width: ${width}px !important; height: ${height}px !important; columns: ${width}px auto !important; column-gap: 0 !important; column-fill: auto !important; overflow: visible !important; }
[${mark}*="b"] { break-before: column !important; }
[${mark}*="a"] { break-after: column !important; }`;
    const left = body.getBoundingClientRect().left;
    // The column of an element's first fragment; +1 px so a fragment starting on a column's edge counts in it.
    starts[name] = runStarts.map((el) => (el ? Math.floor((el.getClientRects()[0]!.left - left + 1) / width) : 0));
    for (const id of Object.keys(anchors)) anchors[id]!.column[name] = Math.floor((document.getElementById(id)!.getClientRects()[0]!.left - left + 1) / width);
    // Content wider than its page makes Chromium shrink the whole printout to fit it (layoutBox).
    // Drawing inside an SVG and content clipped by an ancestor do not count.
    for (const [el, run] of runOf) {
      if (runs[run] !== name || (el instanceof SVGElement && !(el instanceof SVGSVGElement))) continue;
      for (const r of el.getClientRects()) {
        const column = Math.floor((r.left - left + 1) / width);
        if (!(r.width > 0 && r.right - left - column * width > width + 0.5)) continue;
        let clipped = false;
        for (let a = el.parentElement; a && a !== body && !clipped; a = a.parentElement) clipped = getComputedStyle(a).overflowX !== "visible";
        if (!clipped) overflow = Math.max(overflow, (r.right - left - column * width) / width);
      }
    }
  }
  style.remove();
  for (const el of marked) el.removeAttribute(mark);
  return { runs, starts, anchors, overflow };
}

/**
 * The 1-based page each anchor will be printed on (anchors without a box are left out), or null
 * when the layout cannot be predicted. `printer` is the size page.pdf is asked for.
 */
export async function predictPages(page: Page, ids: string[], printer: { size: "A4" | "Letter"; landscape: boolean }): Promise<Record<string, number> | null> {
  if (!ids.length) return {};
  await page.emulateMediaType("print");
  try {
    const { rules, names, blankPages } = await page.evaluate(readPageRules);
    if (blankPages || rules.some((r) => r.selector.includes(":"))) return null;
    const boxes: Record<string, PageBox> = {};
    for (const name of names) {
      const box = pageBox(rules, name, printer);
      if (!box) return null;
      boxes[name] = box;
    }
    const lay = (shrink: number) => {
      const laid = Object.fromEntries(Object.entries(boxes).map(([name, box]) => [name, layoutBox(box, shrink)]));
      return page.evaluate(layColumns, { ids, boxes: laid });
    };
    let layout = await lay(1);
    if (layout.overflow > 1) {
      // Laid out again as wide as the widest content; wider still means it did not settle.
      layout = await lay(layout.overflow);
      if (layout.overflow > 1.001) return null;
    }
    return pagesFromColumns(layout);
  } finally {
    await page.emulateMediaType();
  }
}
