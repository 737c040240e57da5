// The chart DOM (src/charts/dom.ts) against jsdom, which charts/ used before: every chart golden
// renders to the same bytes through either, and the DOM operations Plot and d3 rely on serialise
// as jsdom serialises them.

import { JSDOM } from "jsdom";
import { afterAll, describe, expect, it, vi } from "vitest";
import { chartDocument } from "../../src/charts/dom.js";
import { chartCases, fontFamily } from "./cases.js";

/** A jsdom document that answers createElement("canvas") as the chart DOM does (ramp legends). */
function jsdomDocument(): Document {
  const document = new JSDOM("<!DOCTYPE html><html><head></head><body></body></html>").window.document;
  const createElement = document.createElement.bind(document);
  (document as unknown as { createElement: (tag: string) => unknown }).createElement = (tag) => (tag === "canvas" ? chartDocument().createElement("canvas") : createElement(tag));
  return document;
}

const svgNs = "http://www.w3.org/2000/svg";
const xlinkNs = "http://www.w3.org/1999/xlink";

/** Builds the same small tree in a document and returns what the test reads back. */
function exercise(document: Document) {
  const figure = document.createElement("figure");
  figure.className = "plot-figure";
  figure.style.maxWidth = "initial";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", "0 0 10 10");
  Object.assign((svg as unknown as HTMLElement).style, { fontFamily: `"Noto Sans", system-ui`, fontSize: "11px", color: "#1f2933", background: "transparent" });
  (svg as unknown as HTMLElement).style.setProperty("overflow", "visible");
  (svg as unknown as HTMLElement).style.setProperty("font-size", "12px");
  (svg as unknown as HTMLElement).style.setProperty("opacity", "0.5");
  (svg as unknown as HTMLElement).style.removeProperty("opacity");
  const g = svg.appendChild(document.createElementNS(svgNs, "g"));
  g.setAttribute("aria-label", "x-axis tick label");
  g.setAttribute("class", "tick major");
  const clip = g.appendChild(document.createElementNS(svgNs, "clipPath"));
  clip.setAttribute("id", "c1");
  const text = g.appendChild(document.createElementNS(svgNs, "text"));
  text.textContent = `A & B < C > D\u00a0"E"`;
  text.setAttribute("data-v", `say "<hi>" & \u00a0bye`);
  const title = text.appendChild(document.createElementNS(svgNs, "title"));
  title.append("t1", document.createTextNode("t2"));
  const image = svg.appendChild(document.createElementNS(svgNs, "image"));
  image.setAttributeNS(xlinkNs, "href", "data:,x");
  const style = svg.insertBefore(document.createElementNS(svgNs, "style"), svg.firstChild);
  style.textContent = ":where(.a) > text { fill: red; }";
  const htmlStyle = figure.appendChild(document.createElement("style"));
  htmlStyle.textContent = "a > b { c: d & e }";
  figure.append(svg, document.createElement("br"));
  const warn = g.appendChild(document.createElementNS(svgNs, "text"));
  warn.textContent = "⚠";
  warn.remove();
  const copy = g.cloneNode(true) as Element;
  copy.setAttribute("class", "copy");
  svg.appendChild(copy);
  svg.setAttribute("class", "plot");
  return {
    html: figure.outerHTML,
    tag: [figure.tagName, svg.tagName, clip.tagName],
    text: svg.textContent,
    classes: [figure.className, svg.getAttribute("class"), figure.getAttribute("missing"), svg.hasAttribute("viewBox")],
    style: [(svg as unknown as HTMLElement).style.getPropertyValue("font-size"), (svg as unknown as HTMLElement).style.fontFamily],
    selected: {
      ticks: figure.querySelectorAll(`g[aria-label="x-axis tick label"] text`).length,
      compound: figure.querySelectorAll("g.tick.major").length,
      lastSvg: figure.querySelector(":scope > svg:last-of-type") === svg,
      child: figure.querySelectorAll("svg > g").length,
      list: figure.querySelectorAll("style, title").length,
      matches: [g.matches(".tick"), g.matches("svg > g"), text.matches("figure > text")],
    },
    order: [g.compareDocumentPosition(image), image.compareDocumentPosition(g), svg.compareDocumentPosition(text) & 4],
    siblings: [g.nextSibling === image, image.previousSibling === g, svg.lastChild === copy],
  };
}

describe("chart DOM", () => {
  afterAll(() => {
    vi.doUnmock("../../src/charts/dom.js");
    vi.resetModules();
  });

  it("builds and serialises a tree as jsdom does (escaping, attribute order, inline styles, selectors)", () => {
    const ours = exercise(chartDocument());
    expect(ours).toEqual(exercise(jsdomDocument()));
    // What jsdom does, spelled out: hex colours as rgb(), xlink:href by its qualified name.
    expect(ours.html).toContain(`style="font-family: &quot;Noto Sans&quot;, system-ui; font-size: 12px; color: rgb(31, 41, 51); background: transparent; overflow: visible;"`);
    expect(ours.html).toContain(`<image href="data:,x"></image>`);
    expect(ours.html).toContain(`data-v="say &quot;&lt;hi&gt;&quot; &amp; &nbsp;bye"`);
  });

  it("refuses a selector it does not implement instead of matching something else", () => {
    const svg = chartDocument().createElementNS(svgNs, "svg");
    expect(() => svg.querySelectorAll("g:nth-child(2)")).toThrow(/unsupported selector/);
    expect(() => svg.querySelectorAll("g ~ text")).toThrow(/unsupported selector/);
  });

  it("renders every chart golden to the same bytes as through jsdom", async () => {
    const own = await import("../../src/charts/render-chart.js");
    vi.resetModules();
    const document = jsdomDocument();
    vi.doMock("../../src/charts/dom.js", () => ({ chartDocument: () => document }));
    const viaJsdom = await import("../../src/charts/render-chart.js");
    expect(viaJsdom.renderChart).not.toBe(own.renderChart);
    for (const [name, make] of chartCases) {
      const c = make();
      const options = { locale: c.locale, currency: c.currency, width: c.width, fontFamily };
      expect(own.renderChart(c.spec, c.data, options), name).toEqual(viaJsdom.renderChart(c.spec, c.data, options));
    }
  });
});
