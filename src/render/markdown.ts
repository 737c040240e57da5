// Markdown cells → HTML, with raw HTML escaped: data never becomes markup. A customer named
// "<script>" prints as text whether it reached the markdown through a Handlebars value or
// was typed inline. The page is offline, so links keep only in-document anchors (#id) and
// images only data: URIs; anything else prints as its text.
//
// Level 1 and 2 headings get stable ids (from the cell id) and feed the table of contents.

import Handlebars from "handlebars";
import { Marked, type Tokens } from "marked";

export interface MarkdownHeading {
  id: string;
  text: string;
  depth: number;
}

export interface RenderedMarkdown {
  /** Escaped, sanitised HTML: the only markup templates may triple-stash besides chart SVG. */
  html: string;
  /** h1/h2 headings, in order, for the table of contents. */
  headings: MarkdownHeading[];
}

const escape = (s: string) => Handlebars.Utils.escapeExpression(s);

/** Reverses the entities marked leaves in heading text, for the plain-text TOC label. */
function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&#x27;/g, "'")
    .replace(/&#x60;/g, "`")
    .replace(/&#x3D;/g, "=")
    .replace(/&amp;/g, "&");
}

function plainText(tokens: Tokens.Generic[] | undefined): string {
  if (!tokens) return "";
  return tokens.map((t) => ("tokens" in t && Array.isArray(t.tokens) && t.tokens.length ? plainText(t.tokens as Tokens.Generic[]) : typeof t.text === "string" ? t.text : "")).join("");
}

export function renderMarkdown(markdown: string, options: { idPrefix: string }): RenderedMarkdown {
  const headings: MarkdownHeading[] = [];
  const marked = new Marked({
    gfm: true,
    breaks: false,
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escape(text);
      },
      heading({ tokens, depth }: Tokens.Heading) {
        const inner = this.parser.parseInline(tokens);
        // Headings inside a cell sit below the report title: shift so # → h2.
        const level = Math.min(6, depth + (depth <= 1 ? 1 : 0));
        if (depth <= 2) {
          const id = `${options.idPrefix}-h${headings.length + 1}`;
          headings.push({ id, text: decodeEntities(plainText(tokens as Tokens.Generic[])).trim(), depth });
          return `<h${level} id="${escape(id)}" class="section-title">${inner}</h${level}>\n`;
        }
        return `<h${level}>${inner}</h${level}>\n`;
      },
      link({ href, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        if (/^#[A-Za-z][\w:.-]*$/.test(href)) return `<a href="${escape(href)}">${inner}</a>`;
        return `<span class="link">${inner}</span>`;
      },
      image({ href, text }: Tokens.Image) {
        if (/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(href)) return `<img src="${escape(href)}" alt="${escape(text)}">`;
        return `<span class="image-alt">${escape(text)}</span>`;
      },
    },
  });
  const html = marked.parse(markdown, { async: false }) as string;
  return { html, headings };
}
