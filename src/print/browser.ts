// The headless browser, at the edge of the pipeline. Resolution order: CHURNBOOK_CHROME,
// PUPPETEER_EXECUTABLE_PATH, then the usual system paths. puppeteer-core is imported
// lazily so commands that never print do not load it. Every launch gets a fresh profile
// directory and no background networking: the page is offline by design.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "puppeteer-core";
import { ChurnbookError } from "../util/errors.js";
import { writeError } from "../util/fs-errors.js";

export const systemBrowserPaths = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
] as const;

export const launchArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
  "--font-render-hinting=none",
] as const;

export interface BrowserEnv {
  env: Record<string, string | undefined>;
  exists: (path: string) => boolean;
}

const defaultEnv: BrowserEnv = { env: process.env, exists: existsSync };

/** The browser executable to use; throws a ChurnbookError with a hint when there is none. */
export function resolveBrowser(effects: BrowserEnv = defaultEnv): string {
  for (const name of ["CHURNBOOK_CHROME", "PUPPETEER_EXECUTABLE_PATH"] as const) {
    const path = effects.env[name];
    if (path === undefined || path === "") continue;
    if (!effects.exists(path)) {
      throw new ChurnbookError("browser-not-found", `${name} points to "${path}", which does not exist`, {
        hint: `set ${name} to a Chromium or Chrome executable, or unset it to use a system browser ("apt-get install chromium")`,
      });
    }
    return path;
  }
  for (const path of systemBrowserPaths) if (effects.exists(path)) return path;
  throw new ChurnbookError("browser-not-found", `no Chromium or Chrome found (looked in ${systemBrowserPaths.join(", ")})`, {
    hint: `install one ("apt-get install chromium") or set CHURNBOOK_CHROME to its executable`,
  });
}

export interface BrowserSession {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches a headless browser with a fresh temporary profile, removed on close. */
export async function launchBrowser(effects: BrowserEnv = defaultEnv): Promise<BrowserSession> {
  const executablePath = resolveBrowser(effects);
  const { launch } = await import("puppeteer-core");
  let profile: string;
  try {
    profile = mkdtempSync(join(tmpdir(), "churnbook-chrome-"));
  } catch (e) {
    // A full or read-only temporary folder: the user's to fix, not a bug.
    throw writeError(e, { path: tmpdir(), hint: "the browser needs a temporary profile folder: free some space there, or point TMPDIR to a writable folder" }) ?? e;
  }
  let browser: Browser;
  try {
    browser = await launch({ executablePath, headless: true, args: [...launchArgs, `--user-data-dir=${profile}`], timeout: 60_000 });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new ChurnbookError("browser-launch", `could not start the browser at ${executablePath}: ${(e as Error).message.split("\n")[0]}`, {
      hint: "check that the executable runs (try it with --version), or set CHURNBOOK_CHROME to another Chromium",
      cause: e,
    });
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
