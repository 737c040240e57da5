// `churnbook preview`: the live notebook while a definition is being written. A local server
// (127.0.0.1 only) shows every cell of the definition with its source (line numbers), status,
// time, whether it came from the cell cache, and its output under it; an error is shown in place
// (message, line and column, code excerpt) while the other cells keep their last good output.
// A side panel has the outline and the data coverage; the bar has the parameter controls, a
// print view (the PDF's pages) and an export-PDF button.
//
// Live: the server watches the definition, its data files and the templates; on a change it
// re-runs (through the cell cache: only the cells whose inputs changed) and tells open pages
// over server-sent events; the page patches the changed cells in place, keeping its scroll
// position. Edits in quick succession coalesce; any number of requests and pages share one run.
//
// Security: only GET and HEAD are answered (405 + Allow otherwise), and only for a loopback Host
// header (127.0.0.1, localhost, [::1]) on every route — a page elsewhere cannot read the report
// through DNS rebinding. Only the server's own assets are served; parameter controls are GET
// query strings; nothing in the definition runs as code. A bug while running shows a short
// "internal error" notice; the stack goes to the terminal (and the page with debug).

import { execFile } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cacheKey, openCache, type CellCache } from "./cache.js";
import { printCached, type CachedPdf } from "./print-cache.js";
import { errorOnlyPage, notebookPage, pageModel } from "./notebook/page.js";
import { NotebookSession, templatesDir, type NotebookEvent, type Snapshot } from "./notebook/session.js";
import { ChurnbookError, formatError, isChurnbookError } from "../util/errors.js";

export interface PreviewOptions {
  overrides?: Record<string, string>;
  port?: number;
  now?: () => Date;
  /** Show the stack of an internal error on the page too (the CLI's --debug). */
  debug?: boolean;
  /** Where internal errors are logged (default: stderr). */
  log?: (message: string) => void;
  /** The cell cache (default: the .churnbook-cache folder; null: memory only). */
  cache?: CellCache | null;
  /** Machine-readable events: one per cell run ({"event":"cell",…}) and one per run. */
  onEvent?: (e: NotebookEvent) => void;
  /** Milliseconds to wait for more changes before re-running (default 40). */
  debounceMs?: number;
}

export interface PreviewServer {
  url: string;
  server: Server;
  /** Runs started so far, over all parameter sets. */
  runs(): number;
  close(): Promise<void>;
}

const assets: Record<string, string> = { "notebook.js": "text/javascript; charset=utf-8", "notebook.css": "text/css; charset=utf-8" };
const csp = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function startPreview(reportFile: string, options: PreviewOptions = {}): Promise<PreviewServer> {
  const file = resolve(reportFile);
  const log = options.log ?? ((m: string) => void process.stderr.write(m + "\n"));
  const cache = options.cache === undefined ? openCache() : (options.cache ?? openCache(null));
  const describeBug = (e: unknown): string => {
    const stack = String((e as Error)?.stack ?? e);
    log(`churnbook preview: internal error: ${stack}`);
    return `internal error: this is a bug in churnbook, not in the report; the details are in the terminal running "churnbook preview"${options.debug ? `\n\n${stack}` : ""}`;
  };
  const describe = (e: unknown): string => (isChurnbookError(e) ? formatError(e) : describeBug(e));

  // One session per set of parameter values (the CLI's, then the page's query string).
  const sessions = new Map<string, NotebookSession>();
  const clients = new Map<NotebookSession, Set<ServerResponse>>();
  const sessionFor = (query: URLSearchParams): NotebookSession => {
    const overrides: Record<string, string> = { ...(options.overrides ?? {}) };
    for (const [k, v] of query) if (v.trim() !== "") overrides[k] = v.trim();
    const key = cacheKey(overrides);
    let s = sessions.get(key);
    if (!s) {
      s = new NotebookSession(file, { overrides, cache, now: options.now, onEvent: options.onEvent, describeBug });
      sessions.set(key, s);
      clients.set(s, new Set());
      // Keep a few parameter sets; drop the oldest that no page listens to.
      if (sessions.size > 8) {
        for (const [k, old] of sessions) if (k !== key && !clients.get(old)?.size) {
          sessions.delete(k);
          clients.delete(old);
          void old.close();
          break;
        }
      }
    }
    return s;
  };

  // Watching: the directories of every watched file; a change (or the poll's stamp) re-runs the
  // sessions that pages listen to, after a short pause that coalesces bursts of saves.
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | null = null;
  const refresh = () => {
    for (const [s, set] of clients) if (set.size) void s.latest().catch((e: unknown) => log(`churnbook preview: ${describe(e)}`));
  };
  const changed = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, options.debounceMs ?? 40);
  };
  const watchInputs = (s: NotebookSession) => {
    const dirs = new Set([dirname(file), templatesDir, ...s.watched.map((f) => dirname(f))]);
    for (const d of dirs) {
      if (watchers.has(d)) continue;
      try {
        const w = watch(d, { persistent: false }, changed);
        w.on("error", () => {
          w.close();
          watchers.delete(d);
        });
        watchers.set(d, w);
      } catch {
        // a folder that does not exist (yet): the poll covers it
      }
    }
  };
  // The poll: editors that replace files, network folders, or watchers that missed an event.
  const poll = setInterval(async () => {
    for (const [s, set] of clients) {
      if (!set.size || !s.current) continue;
      if ((await s.stamp()) !== s.current.stamp) changed();
    }
  }, 500);
  poll.unref();

  const send = (res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", ...headers });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  const text = (res: ServerResponse, req: IncomingMessage, status: number, body: string, headers: Record<string, string> = {}) => send(res, req, status, "text/plain; charset=utf-8", body + "\n", headers);
  const json = (res: ServerResponse, req: IncomingMessage, value: unknown) => send(res, req, 200, "application/json; charset=utf-8", JSON.stringify(value));

  const latest = async (s: NotebookSession): Promise<Snapshot> => {
    const snap = await s.latest();
    watchInputs(s);
    return snap;
  };

  // Printing: one print per document at a time, pages rasterised once per PDF.
  const printing = new Map<string, Promise<CachedPdf>>();
  const printOf = (snap: Snapshot): Promise<CachedPdf> => {
    const key = `${snap.file}:${snap.version}`;
    let p = printing.get(key);
    if (!p) {
      p = printCached(snap.document!, { cache });
      printing.set(key, p);
      p.catch(() => printing.delete(key));
      if (printing.size > 4) printing.delete(printing.keys().next().value!);
    }
    return p;
  };
  const pageImages = new Map<string, Promise<Buffer[]>>();
  const imagesOf = (pdf: Uint8Array): { key: string; images: Promise<Buffer[]> } => {
    const key = cacheKey(Buffer.from(pdf).toString("base64")).slice(0, 24);
    let images = pageImages.get(key);
    if (!images) {
      images = rasterize(pdf);
      pageImages.set(key, images);
      images.catch(() => pageImages.delete(key));
      if (pageImages.size > 6) pageImages.delete(pageImages.keys().next().value!);
    }
    return { key, images };
  };

  const server = createServer((req, res) => {
    // DNS rebinding: a hostile page whose name resolves to 127.0.0.1 sends its own Host.
    if (!isLoopbackHost(req.headers.host)) return text(res, req, 403, "forbidden: the preview answers only requests to 127.0.0.1, localhost or [::1]");
    if (req.method !== "GET" && req.method !== "HEAD") return text(res, req, 405, "method not allowed", { allow: "GET, HEAD" });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const query = url.searchParams;
    for (const [k, v] of query) if (!/^[a-z][a-z0-9_]*$/.test(k) || v.length > 200) return text(res, req, 400, `bad parameter in the query string: ${k.slice(0, 40)}`);
    const search = url.search;
    const failed = (e: unknown) => {
      if (!res.headersSent) send(res, req, 500, "text/html; charset=utf-8", errorOnlyPage(file, describe(e)));
      else res.end();
    };

    if (path.startsWith("/assets/")) {
      const name = path.slice("/assets/".length);
      if (!Object.hasOwn(assets, name)) return text(res, req, 404, "not found");
      readFile(join(templatesDir, "preview", name)).then((b) => send(res, req, 200, assets[name]!, b), failed);
      return;
    }
    if (path === "/" || path === "/index.html") {
      const s = sessionFor(query);
      latest(s).then((snap) => send(res, req, 200, "text/html; charset=utf-8", notebookPage(snap, s.runCount, search), { "content-security-policy": csp }), failed);
      return;
    }
    if (path === "/model.json") {
      const s = sessionFor(query);
      latest(s).then((snap) => json(res, req, pageModel(snap, s.runCount)), failed);
      return;
    }
    if (path === "/events") {
      const s = sessionFor(query);
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-content-type-options": "nosniff" });
      if (req.method === "HEAD") return void res.end();
      const set = clients.get(s)!;
      set.add(res);
      const update = (snap: Snapshot) => res.write(`event: update\ndata: ${JSON.stringify({ version: snap.version })}\n\n`);
      const running = () => res.write(`event: running\ndata: {}\n\n`);
      s.listeners.add(update);
      s.startListeners.add(running);
      const beat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
      beat.unref();
      res.write("retry: 1000\n\n");
      latest(s).then(update, (e: unknown) => log(`churnbook preview: ${describe(e)}`));
      req.on("close", () => {
        clearInterval(beat);
        set.delete(res);
        s.listeners.delete(update);
        s.startListeners.delete(running);
      });
      return;
    }
    if (path === "/print.json" || path === "/export.pdf") {
      const s = sessionFor(query);
      latest(s)
        .then(async (snap) => {
          if (!snap.document) {
            const why = snap.banner?.text ?? "the report has errors: fix them to print";
            return path === "/print.json" ? json(res, req, { error: why }) : text(res, req, 409, why);
          }
          const printed = await printOf(snap);
          if (path === "/export.pdf") {
            const name = `${snap.reportName}-${snap.document.period.label}.pdf`.replace(/[^A-Za-z0-9._-]/g, "_");
            return send(res, req, 200, "application/pdf", printed.pdf, { "content-disposition": `attachment; filename="${name}"` });
          }
          const { key, images } = imagesOf(printed.pdf);
          const pages = await images;
          json(res, req, { pages: printed.pageCount, images: pages.map((_, i) => `/print/${key}/${i + 1}.png`) });
        })
        .catch((e: unknown) => (path === "/print.json" ? json(res, req, { error: describe(e) }) : failed(e)));
      return;
    }
    const png = /^\/print\/([0-9a-f]{24})\/(\d{1,4})\.png$/.exec(path);
    if (png) {
      const images = pageImages.get(png[1]!);
      if (!images) return text(res, req, 404, "not found");
      images.then((pages) => {
        const page = pages[Number(png[2]) - 1];
        if (!page) return text(res, req, 404, "not found");
        send(res, req, 200, "image/png", page);
      }, failed);
      return;
    }
    return text(res, req, 404, "not found");
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 4321, "127.0.0.1", () => {
      server.off("error", fail);
      ok();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    runs: () => [...sessions.values()].reduce((n, s) => n + s.runCount, 0),
    close: () =>
      new Promise((ok) => {
        clearInterval(poll);
        if (timer) clearTimeout(timer);
        for (const w of watchers.values()) w.close();
        for (const set of clients.values()) for (const r of set) r.end();
        for (const s of sessions.values()) void s.close();
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** Host header of a request to this machine's loopback interface: 127.0.0.1, localhost or [::1], any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  return ["127.0.0.1", "localhost", "[::1]"].includes(m[1]!.replace(/\.$/, ""));
}

/** The PDF's pages as PNG images (poppler's pdftoppm), at a screen-friendly resolution. */
async function rasterize(pdf: Uint8Array): Promise<Buffer[]> {
  const dir = await mkdtemp(join(tmpdir(), "churnbook-print-"));
  try {
    await writeFile(join(dir, "report.pdf"), pdf);
    await new Promise<void>((ok, fail) =>
      execFile("pdftoppm", ["-r", "60", "-png", join(dir, "report.pdf"), join(dir, "page")], { timeout: 120_000 }, (e) => {
        if (!e) return ok();
        const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
        fail(new ChurnbookError("print-view", missing ? "the print view needs pdftoppm" : `pdftoppm failed: ${e.message.split("\n")[0]}`, { hint: missing ? "apt-get install poppler-utils; Export PDF works without it" : undefined }));
      }),
    );
    const names = (await readdir(dir)).filter((n) => /^page-\d+\.png$/.test(n)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
    return await Promise.all(names.map((n) => readFile(join(dir, n))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
