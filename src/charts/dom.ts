// The DOM Plot renders into. Node has none, so charts/ passes Plot a small one of its own as
// Plot's `document` option: the part of the DOM that Plot, d3-selection and render-chart.ts use
// (elements and text in the HTML and SVG namespaces, attributes, inline styles, a few CSS
// selectors) and the HTML serialisation of outerHTML. jsdom did this before; importing it and
// building its window cost ~1.2 s of CPU per render (ten times the charts' own DOM work).
//
// The markup is the one jsdom serialised, byte for byte (test/charts/dom.test.ts renders every
// chart golden through both): attributes in the order set and by their qualified names (as jsdom
// writes them: d3's `xlink:href` comes out as `href`, which SVG 2 reads), HTML escaping of text
// and attribute values, and inline styles as CSSOM serialises them (`name: value;`, hex colours
// as rgb()). What this DOM does not implement throws (an unknown selector, a DOM method it does
// not have is undefined), never silently draws something else.
//
// jsdom has no canvas either, yet continuous colour legends paint their ramp on one and embed
// `canvas.toDataURL()`: createElement("canvas") answers with an @napi-rs/canvas canvas.

import { createCanvas } from "@napi-rs/canvas";

const htmlNs = "http://www.w3.org/1999/xhtml";

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

abstract class ChartNode {
  parentNode: ChartElement | null = null;
  abstract readonly nodeType: number;
  constructor(readonly ownerDocument: ChartDocument) {}
  abstract get textContent(): string;
  abstract cloneNode(deep?: boolean): ChartNode;

  get parentElement(): ChartElement | null {
    return this.parentNode;
  }
  get nextSibling(): ChartNode | null {
    const siblings = this.parentNode?.childNodes;
    return siblings ? (siblings[siblings.indexOf(this) + 1] ?? null) : null;
  }
  get previousSibling(): ChartNode | null {
    const siblings = this.parentNode?.childNodes;
    return siblings ? (siblings[siblings.indexOf(this) - 1] ?? null) : null;
  }
  remove(): void {
    this.parentNode?.removeChild(this);
  }
  replaceWith(...nodes: (ChartNode | string)[]): void {
    const parent = this.parentNode;
    if (!parent) return;
    const next = this.nextSibling;
    this.remove();
    for (const n of nodes) parent.insertBefore(parent.ownerDocument.nodeOf(n), next);
  }
  /** What d3-selection's order() reads: 4 (FOLLOWING) when `other` comes after this node, 2 when before. */
  compareDocumentPosition(other: ChartNode): number {
    if (other === this) return 0;
    const path = (n: ChartNode) => {
      const p: ChartNode[] = [];
      for (let x: ChartNode | null = n; x; x = x.parentNode) p.unshift(x);
      return p;
    };
    const a = path(this), b = path(other);
    if (a[0] !== b[0]) return 1; // DISCONNECTED
    let i = 1;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (i === a.length) return 4 | 16; // other is inside this: FOLLOWING | CONTAINED_BY
    if (i === b.length) return 2 | 8; // this is inside other: PRECEDING | CONTAINS
    const siblings = (a[i - 1] as ChartElement).childNodes;
    return siblings.indexOf(b[i]!) > siblings.indexOf(a[i]!) ? 4 : 2;
  }
  addEventListener(): void {}
  removeEventListener(): void {}
  dispatchEvent(): boolean {
    return true;
  }
}

class ChartText extends ChartNode {
  readonly nodeType = 3;
  readonly nodeName = "#text";
  constructor(
    ownerDocument: ChartDocument,
    public data: string,
  ) {
    super(ownerDocument);
  }
  get textContent(): string {
    return this.data;
  }
  set textContent(value: string) {
    this.data = String(value ?? "");
  }
  get nodeValue(): string {
    return this.data;
  }
  cloneNode(): ChartText {
    return new ChartText(this.ownerDocument, this.data);
  }
}

interface Attribute {
  namespace: string | null;
  prefix: string | null;
  localName: string;
  value: string;
}

/** The attribute's qualified name. */
function attributeName(a: Attribute): string {
  return a.prefix ? `${a.prefix}:${a.localName}` : a.localName;
}

const camelToKebab = (name: string) => (name.startsWith("--") ? name : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));

/** Properties whose #rgb / #rrggbb values CSSOM serialises as rgb(r, g, b). */
const colorProperty = /(^|-)color$|^(fill|stroke|background|outline|caret-color)$/;

function cssValue(property: string, value: string): string {
  const v = value.trim();
  if (!colorProperty.test(property)) return v;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(v);
  if (!m) return v;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join("") : m[1]!;
  return `rgb(${parseInt(hex.slice(0, 2), 16)}, ${parseInt(hex.slice(2, 4), 16)}, ${parseInt(hex.slice(4, 6), 16)})`;
}

/** An element's inline style: ordered declarations, kept in step with its style attribute. */
class InlineStyle {
  private readonly values = new Map<string, { value: string; priority: string }>();
  constructor(private readonly element: ChartElement) {}

  get cssText(): string {
    return [...this.values].map(([name, { value, priority }]) => `${name}: ${value}${priority ? ` !${priority}` : ""};`).join(" ");
  }
  set cssText(text: string) {
    this.parse(String(text ?? ""));
    this.element.writeStyle(this.cssText);
  }
  /** From the style attribute (no write back). */
  parse(text: string): void {
    this.values.clear();
    for (const declaration of text.split(";")) {
      const colon = declaration.indexOf(":");
      if (colon < 0) continue;
      const name = declaration.slice(0, colon).trim().toLowerCase();
      let value = declaration.slice(colon + 1).trim();
      const important = /\s*!important$/i.exec(value);
      if (important) value = value.slice(0, important.index);
      if (name && value) this.values.set(name, { value: cssValue(name, value), priority: important ? "important" : "" });
    }
  }
  getPropertyValue(name: string): string {
    return this.values.get(name)?.value ?? "";
  }
  setProperty(name: string, value: unknown, priority?: string): void {
    if (value === null || value === undefined || String(value) === "") {
      this.removeProperty(name);
      return;
    }
    this.values.set(name, { value: cssValue(name, String(value)), priority: priority ?? "" });
    this.element.writeStyle(this.cssText);
  }
  removeProperty(name: string): string {
    const old = this.values.get(name);
    if (!old) return "";
    this.values.delete(name);
    this.element.writeStyle(this.cssText);
    return old.value;
  }
}

/** `element.style`: the InlineStyle, whose camelCase properties (style.maxWidth = …) set declarations. */
function styleProxy(style: InlineStyle): InlineStyle {
  return new Proxy(style, {
    get(target, key, receiver) {
      if (typeof key === "string" && !(key in target)) return target.getPropertyValue(camelToKebab(key));
      const v = Reflect.get(target, key, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
    set(target, key, value) {
      if (typeof key === "string" && !(key in target)) target.setProperty(camelToKebab(key), value);
      else Reflect.set(target, key, value, target);
      return true;
    },
  });
}

class ChartElement extends ChartNode {
  readonly nodeType = 1;
  readonly childNodes: ChartNode[] = [];
  readonly attributes: Attribute[] = [];
  readonly prefix: string | null;
  readonly localName: string;
  private inlineStyle: InlineStyle | undefined;
  private styleProxy: InlineStyle | undefined;
  /** Set while the InlineStyle writes the style attribute (which must not re-parse it). */
  private writingStyle = false;

  constructor(
    ownerDocument: ChartDocument,
    readonly namespaceURI: string | null,
    readonly qualifiedName: string,
  ) {
    super(ownerDocument);
    const colon = qualifiedName.indexOf(":");
    this.prefix = colon < 0 ? null : qualifiedName.slice(0, colon);
    this.localName = colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
  }

  private get isHtml(): boolean {
    return this.namespaceURI === htmlNs;
  }
  get tagName(): string {
    return this.isHtml ? this.qualifiedName.toUpperCase() : this.qualifiedName;
  }
  get nodeName(): string {
    return this.tagName;
  }

  // Children.
  get children(): ChartElement[] {
    return this.childNodes.filter((n): n is ChartElement => n instanceof ChartElement);
  }
  get firstChild(): ChartNode | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): ChartNode | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get firstElementChild(): ChartElement | null {
    return this.children[0] ?? null;
  }
  insertBefore<T extends ChartNode>(node: T, reference: ChartNode | null | undefined): T {
    if (reference && reference.parentNode !== this) throw new Error("insertBefore: the reference node is not a child of this node");
    for (let a: ChartElement | null = this; a; a = a.parentNode) if (a === (node as ChartNode)) throw new Error("insertBefore: a node cannot contain itself");
    node.parentNode?.removeChild(node);
    const at = reference ? this.childNodes.indexOf(reference) : this.childNodes.length;
    this.childNodes.splice(at, 0, node);
    node.parentNode = this;
    return node;
  }
  appendChild<T extends ChartNode>(node: T): T {
    return this.insertBefore(node, null);
  }
  append(...nodes: (ChartNode | string)[]): void {
    for (const n of nodes) this.appendChild(this.ownerDocument.nodeOf(n));
  }
  removeChild<T extends ChartNode>(node: T): T {
    const i = this.childNodes.indexOf(node);
    if (i < 0) throw new Error("removeChild: not a child of this node");
    this.childNodes.splice(i, 1);
    node.parentNode = null;
    return node;
  }
  get textContent(): string {
    let s = "";
    for (const n of this.childNodes) s += n.textContent;
    return s;
  }
  set textContent(value: string | null) {
    for (const n of this.childNodes) n.parentNode = null;
    this.childNodes.length = 0;
    const text = value === null || value === undefined ? "" : String(value);
    if (text !== "") this.appendChild(new ChartText(this.ownerDocument, text));
  }
  cloneNode(deep = false): ChartElement {
    const copy = new ChartElement(this.ownerDocument, this.namespaceURI, this.qualifiedName);
    for (const a of this.attributes) copy.attributes.push({ ...a });
    if (deep) for (const n of this.childNodes) copy.appendChild(n.cloneNode(true));
    return copy;
  }

  // Attributes.
  private findAttribute(name: string): Attribute | undefined {
    if (this.isHtml) name = name.toLowerCase();
    return this.attributes.find((a) => attributeName(a) === name);
  }
  getAttribute(name: string): string | null {
    return this.findAttribute(name)?.value ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.findAttribute(name) !== undefined;
  }
  setAttribute(name: string, value: unknown): void {
    const qualified = this.isHtml ? String(name).toLowerCase() : String(name);
    const a = this.findAttribute(qualified);
    if (a) a.value = String(value);
    else this.attributes.push({ namespace: null, prefix: null, localName: qualified, value: String(value) });
    if (qualified === "style") this.styleChanged();
  }
  removeAttribute(name: string): void {
    const a = this.findAttribute(name);
    if (!a) return;
    this.attributes.splice(this.attributes.indexOf(a), 1);
    if (attributeName(a) === "style") this.styleChanged();
  }
  setAttributeNS(namespace: string | null, qualifiedName: string, value: unknown): void {
    const colon = qualifiedName.indexOf(":");
    const prefix = colon < 0 ? null : qualifiedName.slice(0, colon);
    const localName = colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
    const a = this.attributes.find((x) => x.namespace === (namespace || null) && x.localName === localName);
    if (a) a.value = String(value);
    else this.attributes.push({ namespace: namespace || null, prefix, localName, value: String(value) });
    if (!namespace && localName === "style") this.styleChanged();
  }
  getAttributeNS(namespace: string | null, localName: string): string | null {
    return this.attributes.find((x) => x.namespace === (namespace || null) && x.localName === localName)?.value ?? null;
  }
  removeAttributeNS(namespace: string | null, localName: string): void {
    const i = this.attributes.findIndex((x) => x.namespace === (namespace || null) && x.localName === localName);
    if (i >= 0) this.attributes.splice(i, 1);
  }
  get id(): string {
    return this.getAttribute("id") ?? "";
  }
  set id(value: string) {
    this.setAttribute("id", value);
  }
  get className(): string {
    return this.getAttribute("class") ?? "";
  }
  set className(value: string) {
    this.setAttribute("class", value);
  }

  // Inline style.
  get style(): InlineStyle {
    if (!this.inlineStyle) {
      this.inlineStyle = new InlineStyle(this);
      this.inlineStyle.parse(this.getAttribute("style") ?? "");
      this.styleProxy = styleProxy(this.inlineStyle);
    }
    return this.styleProxy!;
  }
  set style(text: string) {
    this.style.cssText = text;
  }
  /** The style declarations changed: the attribute follows (created where it stands, or at the end). */
  writeStyle(text: string): void {
    this.writingStyle = true;
    try {
      this.setAttribute("style", text);
    } finally {
      this.writingStyle = false;
    }
  }
  private styleChanged(): void {
    if (!this.writingStyle) this.inlineStyle?.parse(this.getAttribute("style") ?? "");
  }

  // Selectors.
  matches(selector: string): boolean {
    return parseSelectors(selector).some((s) => matchesComplex(this, s, this));
  }
  querySelectorAll(selector: string): ChartElement[] {
    const selectors = parseSelectors(selector);
    const out: ChartElement[] = [];
    const visit = (e: ChartElement) => {
      for (const c of e.childNodes) {
        if (!(c instanceof ChartElement)) continue;
        if (selectors.some((s) => matchesComplex(c, s, this))) out.push(c);
        visit(c);
      }
    };
    visit(this);
    return out;
  }
  querySelector(selector: string): ChartElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }

  get outerHTML(): string {
    const out: string[] = [];
    serialize(this, out);
    return out.join("");
  }
  get innerHTML(): string {
    const out: string[] = [];
    for (const n of this.childNodes) serialize(n, out);
    return out.join("");
  }
}

// HTML serialisation (the HTML standard's fragment serialisation, as jsdom does it).

const voidElements = new Set(["area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"]);
const rawTextParents = new Set(["style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext"]);

const escapeText = (s: string) => s.replace(/[&<>\u00a0]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&nbsp;"));
const escapeAttribute = (s: string) => s.replace(/[&"<>\u00a0]/g, (c) => (c === "&" ? "&amp;" : c === '"' ? "&quot;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&nbsp;"));

function serialize(node: ChartNode, out: string[]): void {
  if (node instanceof ChartText) {
    const parent = node.parentNode;
    out.push(parent && parent.namespaceURI === htmlNs && rawTextParents.has(parent.localName) ? node.data : escapeText(node.data));
    return;
  }
  const e = node as ChartElement;
  const tag = e.namespaceURI === htmlNs ? e.localName : e.qualifiedName;
  out.push("<", tag);
  for (const a of e.attributes) out.push(" ", attributeName(a), '="', escapeAttribute(a.value), '"');
  out.push(">");
  if (e.namespaceURI === htmlNs && voidElements.has(e.localName)) return;
  for (const c of e.childNodes) serialize(c, out);
  out.push("</", tag, ">");
}

// CSS selectors: the subset Plot, d3-axis and render-chart.ts use — type, .class, [attr] and
// [attr="value"], :last-of-type, :first-child, :scope, the descendant and child combinators, and
// lists. Anything else throws.

interface Compound {
  tag?: string;
  classes: string[];
  attributes: { name: string; value?: string }[];
  pseudos: ("last-of-type" | "first-child" | "scope")[];
}
/** Compounds right to left, each with the combinator that joins it to the one on its left. */
type Complex = { compound: Compound; combinator: " " | ">" | null }[];

const selectorCache = new Map<string, Complex[]>();

function parseSelectors(text: string): Complex[] {
  let list = selectorCache.get(text);
  if (!list) selectorCache.set(text, (list = parseSelectorList(text)));
  return list;
}

/** Parses a selector list, left to right: compounds, combinators (whitespace or >) and commas. */
function parseSelectorList(text: string): Complex[] {
  const unsupported = () => new Error(`chart DOM: unsupported selector "${text}"`);
  const token = /\s*(,|>)\s*|\s+|(\*|[A-Za-z][\w-]*)|\.([\w-]+)|\[([\w:-]+)(?:="([^"]*)"|=([\w-]+))?\]|:(last-of-type|first-child|scope)/y;
  const list: Complex[] = [];
  let parts: Complex = [];
  let compound: Compound | null = null;
  let combinator: " " | ">" | null = null;
  const end = () => {
    if (!compound) throw unsupported();
    parts.push({ compound, combinator: parts.length ? combinator : null });
    compound = null;
  };
  let at = 0;
  const trimmed = text.trim();
  while (at < trimmed.length) {
    token.lastIndex = at;
    const m = token.exec(trimmed);
    if (!m) throw unsupported();
    at = token.lastIndex;
    if (m[1] === "," || m[1] === ">" || m[0].trim() === "") {
      end();
      if (m[1] === ",") {
        list.push(parts.reverse());
        parts = [];
      }
      combinator = m[1] === ">" ? ">" : " ";
      continue;
    }
    if (m[2] !== undefined && compound) throw unsupported(); // a type selector starts a compound
    compound ??= { classes: [], attributes: [], pseudos: [] };
    if (m[2] !== undefined) {
      if (m[2] !== "*") compound.tag = m[2];
    } else if (m[3] !== undefined) compound.classes.push(m[3]);
    else if (m[4] !== undefined) compound.attributes.push({ name: m[4], value: m[5] ?? m[6] });
    else compound.pseudos.push(m[7] as Compound["pseudos"][number]);
  }
  end();
  list.push(parts.reverse());
  return list;
}

function matchesCompound(e: ChartElement, c: Compound, scope: ChartElement): boolean {
  if (c.tag !== undefined && (e.namespaceURI === htmlNs ? c.tag.toLowerCase() : c.tag) !== e.localName) return false;
  if (c.classes.length) {
    const classes = (e.getAttribute("class") ?? "").split(/\s+/);
    if (!c.classes.every((k) => classes.includes(k))) return false;
  }
  for (const a of c.attributes) {
    const v = e.getAttribute(a.name);
    if (v === null || (a.value !== undefined && v !== a.value)) return false;
  }
  for (const p of c.pseudos) {
    if (p === "scope" && e !== scope) return false;
    const siblings = e.parentNode?.children ?? [e];
    if (p === "first-child" && siblings[0] !== e) return false;
    if (p === "last-of-type" && siblings.filter((s) => s.localName === e.localName && s.namespaceURI === e.namespaceURI).pop() !== e) return false;
  }
  return true;
}

/** Whether e matches the complex selector (right to left), with ancestors searched for descendant combinators. */
function matchesComplex(e: ChartElement, parts: Complex, scope: ChartElement, i = 0): boolean {
  const { compound, combinator } = parts[i]!;
  if (!matchesCompound(e, compound, scope)) return false;
  if (i === parts.length - 1) return true;
  if (combinator === ">") return e.parentNode !== null && matchesComplex(e.parentNode, parts, scope, i + 1);
  for (let a = e.parentNode; a; a = a.parentNode) if (matchesComplex(a, parts, scope, i + 1)) return true;
  return false;
}

class ChartEvent {
  constructor(
    readonly type: string,
    readonly init: { bubbles?: boolean } = {},
  ) {}
}

class ChartDocument {
  readonly nodeType = 9;
  readonly documentElement: ChartElement;
  readonly head: ChartElement;
  readonly body: ChartElement;
  /** Plot dispatches an "input" Event when an interactive plot's value changes (never here). */
  readonly defaultView = { Event: ChartEvent, document: this as ChartDocument };

  constructor() {
    this.documentElement = this.createElement("html");
    this.head = this.documentElement.appendChild(this.createElement("head"));
    this.body = this.documentElement.appendChild(this.createElement("body"));
  }
  createElement(tag: string): ChartElement {
    // Plot calls createElement("canvas") only for ramp legends.
    if (String(tag).toLowerCase() === "canvas") return createCanvasElement() as ChartElement;
    return new ChartElement(this, htmlNs, String(tag).toLowerCase());
  }
  createElementNS(namespace: string | null, qualifiedName: string): ChartElement {
    return new ChartElement(this, namespace || null, String(qualifiedName));
  }
  createTextNode(data: string): ChartText {
    return new ChartText(this, String(data));
  }
  nodeOf(n: ChartNode | string): ChartNode {
    return typeof n === "string" ? this.createTextNode(n) : n;
  }
  querySelectorAll(selector: string): ChartElement[] {
    const root = this.documentElement;
    return [...(root.matches(selector) ? [root] : []), ...root.querySelectorAll(selector)];
  }
  querySelector(selector: string): ChartElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

let shared: ChartDocument | undefined;

/** The shared chart document. Plot appends nothing to it: each plot is a detached tree. */
export function chartDocument(): Document {
  shared ??= new ChartDocument();
  return shared as unknown as Document;
}
