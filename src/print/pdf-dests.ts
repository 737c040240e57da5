// Where each anchor landed in a printed PDF. Chromium writes a named destination for every
// element an in-document link points to (the table of contents links to every entry), as
// `/Dests << /name [pageRef /XYZ x y 0] >>` in the catalog, with the page tree in plain
// (uncompressed) objects. Reading those gives exact page numbers from the browser's own
// pagination — unlike page-height arithmetic, it survives break-inside: avoid, repeated
// table headers and landscape named pages — and needs no external tool.

interface PdfObjects {
  get(num: number): string | undefined;
}

function indexObjects(text: string): PdfObjects {
  const starts = new Map<number, number>();
  const re = /(?:^|[\r\n])(\d+) 0 obj\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.set(Number(m[1]), m.index + m[0].length);
  return {
    get(num) {
      const at = starts.get(num);
      if (at === undefined) return undefined;
      const end = text.indexOf("endobj", at);
      const stream = text.indexOf("stream", at);
      const stop = stream !== -1 && stream < end ? stream : end;
      return text.slice(at, stop === -1 ? undefined : stop);
    },
  };
}

function ref(body: string, key: string): number | null {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(body);
  return m ? Number(m[1]) : null;
}

/** Page object numbers in document order (walks nested /Pages nodes). */
function pageOrder(objects: PdfObjects, root: number): number[] {
  const out: number[] = [];
  const visit = (num: number, depth: number) => {
    if (depth > 64) return;
    const body = objects.get(num) ?? "";
    const kids = /\/Kids\s*\[([^\]]*)\]/.exec(body);
    if (kids && /\/Type\s*\/Pages\b/.test(body)) {
      for (const k of kids[1]!.matchAll(/(\d+)\s+0\s+R/g)) visit(Number(k[1]), depth + 1);
    } else if (kids && !/\/Type\s*\/Page\b/.test(body)) {
      for (const k of kids[1]!.matchAll(/(\d+)\s+0\s+R/g)) visit(Number(k[1]), depth + 1);
    } else {
      out.push(num);
    }
  };
  visit(root, 0);
  return out;
}

/** Decodes a PDF name's #xx escapes. */
function pdfName(raw: string): string {
  return raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The 1-based page of each named destination; empty when the PDF has none we can read. */
export function namedDestinationPages(pdf: Uint8Array): Map<string, number> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString("latin1");
  const objects = indexObjects(text);
  const result = new Map<string, number>();
  const catalogMatch = /(\d+) 0 obj\s*<<\s*\/Type\s*\/Catalog\b/.exec(text);
  if (!catalogMatch) return result;
  const catalog = objects.get(Number(catalogMatch[1])) ?? "";
  const pagesRoot = ref(catalog, "Pages");
  if (pagesRoot === null) return result;
  const order = pageOrder(objects, pagesRoot);
  const pageIndex = new Map(order.map((num, i) => [num, i + 1]));
  const destsRef = ref(catalog, "Dests");
  const dests = destsRef !== null ? objects.get(destsRef) : /\/Dests\s*(<<[\s\S]*?>>)/.exec(catalog)?.[1];
  if (!dests) return result;
  for (const m of dests.matchAll(/\/([^\s/\[\]<>()]+)\s*\[\s*(\d+)\s+0\s+R/g)) {
    const page = pageIndex.get(Number(m[2]));
    if (page !== undefined) result.set(pdfName(m[1]!), page);
  }
  return result;
}
