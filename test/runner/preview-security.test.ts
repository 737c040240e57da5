import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ChurnbookError } from "../../src/util/errors.js";

// The definition loader is replaced: these tests are about the server, not about rendering.
const mode = vi.hoisted(() => ({ bug: false }));
vi.mock("../../src/runner/definitions.js", () => ({
  loadReport: async () => {
    if (mode.bug) throw new TypeError("Cannot read properties of undefined (reading 'rows')");
    throw new ChurnbookError("invalid-definition", "a report definition must be a mapping", { location: { file: "r.yaml", line: 1, column: 1 }, exitCode: 2 });
  },
}));

const { isLoopbackHost, startPreview } = await import("../../src/runner/preview.js");

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, options: { method?: string; host?: string; path?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path ?? "/", headers: { host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end(options.body);
  });
}

describe("preview server security", () => {
  const logged: string[] = [];
  let preview: Awaited<ReturnType<typeof startPreview>>;
  let port: number;
  beforeAll(async () => {
    preview = await startPreview("r.yaml", { port: 0, log: (m) => logged.push(m) });
    port = Number(new URL(preview.url).port);
  });
  afterAll(() => preview.close());

  it("recognises loopback Host headers only", () => {
    for (const h of ["127.0.0.1", "127.0.0.1:4321", "localhost", "LOCALHOST:80", "localhost.:4321", "[::1]", "[::1]:4321"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [undefined, "", "evil.example", "evil.example:4321", "127.0.0.1.evil.example", "localhost.evil.example:4321", "127.0.0.2", "0.0.0.0:4321", "[::2]:4321", "[::1]x", "127.0.0.1:4321:1", "127.0.0.1@evil.example", "user@localhost"]) {
      expect(isLoopbackHost(h), String(h)).toBe(false);
    }
  });

  it("answers GET and HEAD from a loopback host", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
      const r = await send(port, { host });
      expect(r.status, host).toBe(200);
      expect(r.body).toContain("a report definition must be a mapping");
    }
    const head = await send(port, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("refuses other Host headers (DNS rebinding) with 403, before anything is rendered", async () => {
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.nip.io:${port}`, `192.168.1.10:${port}`]) {
      const r = await send(port, { host });
      expect(r.status, host).toBe(403);
      expect(r.body).not.toContain("a report definition");
    }
    expect((await send(port, { host: "evil.example", method: "POST" })).status).toBe(403);
  });

  it("refuses other methods with 405 and an Allow header", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const r = await send(port, { method, body: method === "POST" ? "x=1" : undefined });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
    expect((await send(port, { path: "/../etc/passwd" })).status).toBe(404);
  });

  it("shows a short internal-error notice instead of a stack trace, and logs the stack", async () => {
    mode.bug = true;
    try {
      // A new definition fingerprint is needed for a re-render: a second server.
      const other = await startPreview("bug.yaml", { port: 0, log: (m) => logged.push(m) });
      try {
        const r = await send(Number(new URL(other.url).port));
        expect(r.body).toContain("internal error: this is a bug in churnbook");
        expect(r.body).not.toMatch(/TypeError|reading &#x27;rows&#x27;|\bat .*\(.*:\d+:\d+\)|node_modules|\/src\//);
        expect(logged.join("\n")).toMatch(/TypeError: Cannot read properties of undefined \(reading 'rows'\)\n\s+at /);
      } finally {
        await other.close();
      }
      const debug = await startPreview("bug2.yaml", { port: 0, debug: true, log: () => {} });
      try {
        expect((await send(Number(new URL(debug.url).port))).body).toMatch(/TypeError: Cannot read properties/);
      } finally {
        await debug.close();
      }
    } finally {
      mode.bug = false;
    }
  });
});
