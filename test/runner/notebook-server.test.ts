// The notebook server without a browser: the loopback Host check and GET/HEAD-only on every
// route (SSE, model, assets, print, export), its own assets only, and coalesced saves (a burst of
// edits is one run, and the page gets the last one).

import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPreview, type PreviewServer } from "../../src/runner/preview.js";
import type { NotebookEvent } from "../../src/runner/notebook/session.js";

const root = join(import.meta.dirname, "..", "..");
let preview: PreviewServer;
let port: number;
let file: string;
const events: NotebookEvent[] = [];

function send(options: { method?: string; host?: string; path?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      // An event stream stays open: the first chunk is enough.
      if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
        res.once("data", (c: string) => {
          ok({ status: res.statusCode!, headers: res.headers, body: c });
          req.destroy();
        });
        return;
      }
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), "churnbook-nbserver-"));
  cpSync(join(root, "data/globex/subscriptions.csv"), join(work, "data/subscriptions.csv"));
  mkdirSync(join(work, "reports"));
  file = join(work, "reports/r.yaml");
  writeFileSync(file, `title: Server test
locale: en-US
datasets:
  subscriptions: { path: ../data/subscriptions.csv }
cells:
  - id: summary
    analysis: churn-summary
  - id: note
    markdown: "version 0: churn {{percent summary.churn_rate}}"
`);
  preview = await startPreview(file, { port: 0, overrides: { period: "2026-10" }, cache: null, debounceMs: 150, onEvent: (e) => events.push(e), log: () => {} });
  port = Number(new URL(preview.url).port);
}, 60_000);
afterAll(() => preview?.close());

const routes = ["/", "/index.html", "/model.json", "/events", "/assets/notebook.js", "/assets/notebook.css", "/print.json", "/export.pdf", "/print/0123456789abcdef01234567/1.png", "/nope"];

describe("notebook server", () => {
  it("refuses non-loopback Host headers on every route, before any work", async () => {
    const runs = preview.runs();
    for (const path of routes) for (const host of ["evil.example", `evil.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const r = await send({ path, host });
      expect(r.status, `${host} ${path}`).toBe(403);
    }
    expect(preview.runs()).toBe(runs);
  });

  it("answers only GET and HEAD on every route", async () => {
    for (const path of routes) for (const method of ["POST", "PUT", "DELETE"]) {
      const r = await send({ path, method });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
  });

  it("serves its own assets and nothing else; the page has a content security policy", async () => {
    expect((await send({ path: "/assets/notebook.js" })).body).toContain("EventSource");
    for (const path of ["/assets/../package.json", "/assets/%2e%2e/package.json", "/assets/notebook.ts", "/templates/layout.hbs", "/report.pdf"]) expect((await send({ path })).status, path).toBe(404);
    const page = await send({ path: "/" });
    expect(page.status).toBe(200);
    expect(String(page.headers["content-security-policy"])).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    expect((await send({ path: "/?period=2026-10&no_such=1" })).body).toContain("unknown report parameter &quot;no_such&quot;");
    expect((await send({ path: "/?PERIOD=x" })).status).toBe(400);
  });

  it("coalesces a burst of saves into one run whose result is the last save", async () => {
    // An open page (an SSE client) makes the watcher re-run on changes.
    const stream = new Promise<void>((ok) => {
      const req = request({ host: "127.0.0.1", port, path: "/events", headers: { host: `127.0.0.1:${port}` } }, (res) => {
        res.setEncoding("utf8");
        let seen = "";
        res.on("data", (c: string) => {
          seen += c;
          if (seen.includes("version 5")) {
            req.destroy();
            ok();
          }
        });
      });
      req.end();
    });
    await new Promise((r) => setTimeout(r, 300));
    const mark = events.length;
    for (let i = 1; i <= 5; i++) {
      writeFileSync(file, readFileSync(file, "utf8").replace(/version \d/, `version ${i}`));
      await new Promise((r) => setTimeout(r, 20));
    }
    // Wait for the run and check what the page would fetch.
    for (let t = 0; t < 100; t++) {
      if (events.slice(mark).some((e) => e.event === "run")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const model = JSON.parse((await send({ path: "/model.json" })).body) as { cells: { dom: string; html: string }[] };
    expect(model.cells.find((c) => c.dom === "nb-cell-note")!.html).toContain("version 5: churn");
    expect(events.slice(mark).filter((e) => e.event === "run")).toHaveLength(1);
    void stream;
  }, 60_000);
});
