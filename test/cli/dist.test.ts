// The compiled CLI: bin/churnbook.js runs dist/ when it was built from the sources in src/, and
// the TypeScript sources otherwise (scripts/dist-stamp.mjs decides; test/build-dist.setup.ts builds).

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { distState, sourceStamp, stampFile } from "../../scripts/dist-stamp.mjs";

const root = join(import.meta.dirname, "..", "..");

describe("dist/ freshness", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A checkout with src/ and a dist/ built from it. */
  function checkout(): string {
    dir = mkdtempSync(join(tmpdir(), "churnbook-dist-"));
    mkdirSync(join(dir, ".git"));
    mkdirSync(join(dir, "src", "cli"), { recursive: true });
    writeFileSync(join(dir, "src", "cli", "main.ts"), "export const a = 1;\n");
    writeFileSync(join(dir, "src", "other.ts"), "export const b = 2;\n");
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist", stampFile), sourceStamp(join(dir, "src")));
    return dir;
  }

  it("is fresh right after a build, and missing without one", () => {
    checkout();
    expect(distState(dir)).toBe("fresh");
    rmSync(join(dir, "dist"), { recursive: true });
    expect(distState(dir)).toBe("missing");
  });

  it("is stale after an edit, even one that keeps the size", () => {
    checkout();
    writeFileSync(join(dir, "src", "cli", "main.ts"), "export const a = 9;\n");
    utimesSync(join(dir, "src", "cli", "main.ts"), new Date(), new Date(Date.now() + 5000));
    expect(distState(dir)).toBe("stale");
  });

  it("is stale after a source is added or deleted", () => {
    checkout();
    writeFileSync(join(dir, "src", "cli", "new.ts"), "export {};\n");
    expect(distState(dir)).toBe("stale");
    checkout();
    rmSync(join(dir, "src", "other.ts"));
    expect(distState(dir)).toBe("stale");
  });

  it("is never stale outside a checkout (an installed package: npm resets modification times)", () => {
    checkout();
    rmSync(join(dir, ".git"), { recursive: true });
    writeFileSync(join(dir, "src", "other.ts"), "export const b = 3;\n");
    expect(distState(dir)).toBe("fresh");
  });
});

describe("bin/churnbook.js", () => {
  it("runs the compiled dist/ (built by the test setup from the current sources)", () => {
    expect(distState()).toBe("fresh");
    // A resolve hook reports which cli/main the command loads.
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes("/cli/main.")) process.stderr.write("entry " + r.url + "\\n"); return r; }`;
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const r = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(register)}`, join(root, "bin/churnbook.js"), "validate", "reports/monthly-churn.yaml"], { cwd: root, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`entry file://${join(root, "dist/cli/main.js")}`);
    expect(r.stderr).not.toContain("/src/cli/main.ts");
  });

  // The CLI is one bundle (scripts/build.mjs); each bundled module keeps the import.meta.url of its
  // own file, so what packages find beside themselves is still found from any folder.
  it("finds what bundled packages read beside them: yargs' translations and the package's version", () => {
    const cwd = mkdtempSync(join(tmpdir(), "churnbook-cwd-"));
    const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [join(root, "bin/churnbook.js"), ...args], { cwd, encoding: "utf8", env: { ...process.env, TZ: "UTC", ...env } });
    const zh = run(["--help"], { LANG: "zh_CN.UTF-8", LC_ALL: "", LC_MESSAGES: "" });
    expect(zh.status).toBe(0);
    expect(zh.stdout).toContain("显示帮助信息");
    const version = run(["--version"]);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version);
    rmSync(cwd, { recursive: true, force: true });
  });
});
