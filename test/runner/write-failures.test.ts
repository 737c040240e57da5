// A report that cannot be written (read-only folder, full disk, a file where a folder should be)
// is the user's to fix: a ChurnbookError (exit 1) naming the path and the cause in plain words,
// never exit 70 with "ENOENT … mkdir"; the previous output stays as it was.
// Tests run as root, which chmod does not stop: real ENOTDIR/EEXIST come from a path under a
// regular file; EACCES, EROFS, ENOSPC, EDQUOT, EPERM are injected into node:fs/promises.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChurnbookError } from "../../src/util/errors.js";
import { createPrinter } from "../../src/cli/output.js";

const inject = vi.hoisted(() => ({ op: "" as "" | "mkdir" | "writeFile" | "rename" | "mkdtempSync", code: "", after: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const mkdtempSync = ((prefix: string, options?: unknown) => {
    if (inject.op === "mkdtempSync") throw Object.assign(new Error(`${inject.code}: injected, mkdtemp '${prefix}XXXXXX'`), { code: inject.code, errno: -1, syscall: "mkdtemp", path: `${prefix}XXXXXX` });
    return actual.mkdtempSync(prefix, options as never);
  }) as typeof actual.mkdtempSync;
  return { ...actual, mkdtempSync, default: { ...actual, mkdtempSync } };
});
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const failing =
    <A extends unknown[], R>(op: "mkdir" | "writeFile" | "rename", fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (inject.op === op && inject.after-- <= 0) {
        const path = String(args[0]);
        throw Object.assign(new Error(`${inject.code}: injected, ${op} '${path}'`), { code: inject.code, errno: -1, syscall: op === "writeFile" ? "open" : op, path });
      }
      return fn(...args);
    };
  const mocked = { ...actual, mkdir: failing("mkdir", actual.mkdir), writeFile: failing("writeFile", actual.writeFile), rename: failing("rename", actual.rename) };
  return { ...mocked, default: mocked };
});

const { writeAtomically } = await import("../../src/runner/outputs.js");

const root = join(import.meta.dirname, "..", "..");

afterEach(() => {
  inject.op = "";
});

async function failure(p: Promise<unknown>): Promise<ChurnbookError> {
  const e = await p.then(
    () => {
      throw new Error("expected the write to fail");
    },
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(ChurnbookError);
  const err = e as ChurnbookError;
  expect(err.code).toBe("cannot-write");
  expect(err.exitCode).toBe(1);
  return err;
}

/** A previous output v1 under a fresh folder. */
async function previous(): Promise<{ dir: string; target: string }> {
  const dir = mkdtempSync(join(tmpdir(), "churnbook-wf-"));
  const target = join(dir, "report", "2026-10");
  await writeAtomically(target, { "report.html": "v1", "tables/a.csv": "x\n" });
  return { dir, target };
}

function untouched(dir: string, target: string): void {
  expect(readFileSync(join(target, "report.html"), "utf8")).toBe("v1");
  expect(readFileSync(join(target, "tables/a.csv"), "utf8")).toBe("x\n");
  expect(readdirSync(join(dir, "report"))).toEqual(["2026-10"]); // no temporary folder left behind
}

describe("write failures are user errors", () => {
  it("a file where the output folder should be (ENOTDIR): names the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "churnbook-wf-"));
    writeFileSync(join(dir, "out"), "not a folder");
    const err = await failure(writeAtomically(join(dir, "out", "monthly-churn", "2026-10"), { "report.html": "x" }));
    expect(err.message).toBe(`cannot write to ${join(dir, "out", "monthly-churn")}: ${join(dir, "out")} is a file, not a folder`);
    expect(err.hint).toMatch(/remove or rename that file|--out/);
  });

  it("a file named like the report folder's parent (EEXIST)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "churnbook-wf-"));
    writeFileSync(join(dir, "monthly-churn"), "");
    const err = await failure(writeAtomically(join(dir, "monthly-churn", "2026-10"), { "report.html": "x" }));
    expect(err.message).toBe(`cannot write to ${join(dir, "monthly-churn")}: ${join(dir, "monthly-churn")} is a file, not a folder`);
  });

  it.each([
    ["EACCES", "permission denied"],
    ["EPERM", "permission denied"],
    ["EROFS", "the file system is read-only"],
  ])("a read-only output folder (%s on mkdir): '%s', previous output intact", async (code, words) => {
    const { dir, target } = await previous();
    Object.assign(inject, { op: "mkdir", code, after: 0 });
    const err = await failure(writeAtomically(target, { "report.html": "v2" }));
    expect(err.message).toBe(`cannot write to ${join(dir, "report")}: ${words}${code === "EPERM" ? " (operation not permitted)" : ""}`);
    expect(err.hint).toMatch(/--out/);
    untouched(dir, target);
  });

  it.each([
    ["ENOSPC", "disk full (no space left on the device)"],
    ["EDQUOT", "disk quota exceeded"],
  ])("a full disk halfway through (%s): names the file being written, previous output intact", async (code, words) => {
    const { dir, target } = await previous();
    Object.assign(inject, { op: "writeFile", code, after: 1 });
    const err = await failure(writeAtomically(target, { "report.html": "v2", "tables/a.csv": "y\n", "manifest.json": "{}" }));
    // The path the user will know, not the temporary folder's.
    expect(err.message).toBe(`cannot write to ${join(target, "tables", "a.csv")}: ${words}`);
    expect(err.message).not.toContain(".tmp-");
    expect(err.hint).toMatch(/free some space/);
    untouched(dir, target);
  });

  it("the swap into place failing (EACCES on rename): previous output intact", async () => {
    const { dir, target } = await previous();
    Object.assign(inject, { op: "rename", code: "EACCES", after: 0 });
    const err = await failure(writeAtomically(target, { "report.html": "v2" }));
    expect(err.message).toBe(`cannot write to ${target}: permission denied`);
    untouched(dir, target);
  });

  it("a bug stays a bug: an unknown failure is not dressed up as a user error", async () => {
    const { target } = await previous();
    Object.assign(inject, { op: "writeFile", code: "EMFILE", after: 0 });
    const e = await writeAtomically(target, { "report.html": "v2" }).catch((e: unknown) => e);
    expect(e).not.toBeInstanceOf(ChurnbookError);
    expect((e as NodeJS.ErrnoException).code).toBe("EMFILE");
  });

  it("the CLI printer: exit 1 and one line without a stack; an unwrapped ENOSPC from elsewhere too", async () => {
    const { target } = await previous();
    Object.assign(inject, { op: "writeFile", code: "ENOSPC", after: 0 });
    const err = await failure(writeAtomically(target, { "report.html": "v2" }));
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => (lines.push(String(s)), true));
    try {
      const printer = createPrinter();
      expect(printer.error(err)).toBe(1);
      expect(lines.join("")).toMatch(/^error: cannot write to .*report\.html: disk full \(no space left on the device\) \[cannot-write\]\n  hint: free some space/);
      expect(lines.join("")).not.toMatch(/\n\s+at /);
      // A raw system error that slipped through another path still is not "internal error" / 70.
      lines.length = 0;
      const raw = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write", path: "/tmp/x.duckdb.wal" });
      expect(printer.error(raw)).toBe(1);
      expect(lines.join("")).toMatch(/^error: cannot write to \/tmp\/x\.duckdb\.wal: disk full/);
      expect(lines.join("")).not.toMatch(/internal error|\n\s+at /);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the CLI printer and real bugs", () => {
  it("exit 70 only for what is not a user error, with the stack only under --debug", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => (lines.push(String(s)), true));
    try {
      const bug = new TypeError("Cannot read properties of undefined (reading 'rows')");
      expect(createPrinter().error(bug)).toBe(70);
      expect(lines.join("")).toBe("internal error: TypeError: Cannot read properties of undefined (reading 'rows')\n  this is a bug in churnbook; run again with --debug for the stack trace\n");
      lines.length = 0;
      expect(createPrinter().error(bug, true)).toBe(70);
      expect(lines.join("")).toMatch(/\n\s+at /);
      lines.length = 0;
      expect(createPrinter({ json: true }).error(bug)).toBe(70);
      expect(JSON.parse(lines.join(""))).toEqual({ level: "error", message: "TypeError: Cannot read properties of undefined (reading 'rows')", code: "internal-error" });
      // ENOENT can be a bug (a missing bundled file): not dressed up as a user error.
      lines.length = 0;
      expect(createPrinter().error(Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: "ENOENT", syscall: "open", path: "x" }))).toBe(70);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the browser's temporary profile", () => {
  it("a full temporary folder is a user error naming it", async () => {
    const { launchBrowser } = await import("../../src/print/browser.js");
    Object.assign(inject, { op: "mkdtempSync", code: "ENOSPC", after: 0 });
    const err = await failure(launchBrowser({ env: { CHURNBOOK_CHROME: "/usr/bin/chromium" }, exists: () => true }));
    expect(err.message).toBe(`cannot write to ${tmpdir()}: disk full (no space left on the device)`);
    expect(err.hint).toMatch(/TMPDIR/);
  });
});

describe("churnbook render into an unwritable folder", () => {
  it("exits 1 with the path and the cause, not 70", () => {
    const dir = mkdtempSync(join(tmpdir(), "churnbook-wf-cli-"));
    writeFileSync(join(dir, "out"), "a file, not a folder");
    const r = spawnSync(process.execPath, [join(root, "bin/churnbook.js"), "render", "reports/monthly-churn-en.yaml", "--period", "2026-10", "--format", "html", "--out", join(dir, "out")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, TZ: "UTC" },
    });
    expect(r.stderr).toContain(`error: cannot write to ${join(dir, "out", "monthly-churn-en")}: ${join(dir, "out")} is a file, not a folder [cannot-write]`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, "out"))).toBe(true);
  }, 60_000);
});
