// Missing glyphs, caught before printing. Chromium silently draws a tofu box (or nothing)
// for a character no installed font covers; a board report must fail instead, naming the
// characters. document.fonts.check() cannot tell (it answers about font loading, not
// coverage), so we ask fontconfig — the same fonts Chromium falls back through on Linux —
// once for every font's charset, merge the ranges, and test each distinct character
// against them (binary search, cached per character).

import { execFileSync } from "node:child_process";
import { ChurnbookError } from "../util/errors.js";

/** Answers whether some installed font has a glyph for a code point. */
export interface FontCoverage {
  covers(codePoint: number): boolean;
}

/** Merged [start, end] code point ranges. */
export function parseCharsets(listing: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const token of listing.split(/\s+/)) {
    const m = /^([0-9a-f]+)(?:-([0-9a-f]+))?$/i.exec(token);
    if (!m) continue;
    const a = parseInt(m[1]!, 16);
    ranges.push([a, m[2] ? parseInt(m[2], 16) : a]);
  }
  ranges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export function coverageFromRanges(ranges: Array<[number, number]>): FontCoverage {
  const cache = new Map<number, boolean>();
  return {
    covers(cp) {
      let hit = cache.get(cp);
      if (hit !== undefined) return hit;
      let lo = 0, hi = ranges.length - 1;
      hit = false;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const [a, b] = ranges[mid]!;
        if (cp < a) hi = mid - 1;
        else if (cp > b) lo = mid + 1;
        else {
          hit = true;
          break;
        }
      }
      cache.set(cp, hit);
      return hit;
    },
  };
}

let systemCoverage: FontCoverage | null | undefined;

/** The installed fonts' coverage from fontconfig, or null when fc-list is unavailable. */
export function fontconfigCoverage(): FontCoverage | null {
  if (systemCoverage !== undefined) return systemCoverage;
  try {
    const listing = execFileSync("fc-list", ["--format", "%{charset}\n"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
    systemCoverage = coverageFromRanges(parseCharsets(listing));
  } catch {
    systemCoverage = null;
  }
  return systemCoverage;
}

/** Characters that need no glyph: whitespace, controls, joiners, variation selectors. */
function needsGlyph(cp: number): boolean {
  if (cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0)) return false;
  if (cp === 0xad || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x2060 && cp <= 0x206f)) return false;
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff || (cp >= 0xe0100 && cp <= 0xe01ef)) return false;
  return !/\s/u.test(String.fromCodePoint(cp));
}

/** The distinct characters of a text that no font covers, in code point order. */
export function missingCharacters(text: string, coverage: FontCoverage): string[] {
  const seen = new Set<number>();
  const missing: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (seen.has(cp)) continue;
    seen.add(cp);
    if (needsGlyph(cp) && !coverage.covers(cp)) missing.push(cp);
  }
  return missing.sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
}

export function describeCharacter(ch: string): string {
  return `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
}

/**
 * Throws a ChurnbookError naming the characters no installed font covers. Returns a warning
 * instead of checking when fontconfig is unavailable (the check cannot be made).
 */
export function assertFontCoverage(text: string, coverage: FontCoverage | null = fontconfigCoverage()): string[] {
  if (coverage === null) return ["font check skipped: fc-list (fontconfig) is not available"];
  const missing = missingCharacters(text, coverage);
  if (missing.length === 0) return [];
  const shown = missing.slice(0, 20).map(describeCharacter).join(", ");
  const more = missing.length > 20 ? ` and ${missing.length - 20} more` : "";
  throw new ChurnbookError("missing-glyphs", `no installed font covers: ${shown}${more}`, {
    hint: "install fonts that cover these characters (for Chinese: apt-get install fonts-noto-cjk; for rare ideographs: fonts-noto-cjk-extra or fonts-hanazono), or remove them from the data",
  });
}

let families: Set<string> | null | undefined;

/** Installed font family names (lower case) from fontconfig, or null when fc-list is unavailable. */
export function installedFontFamilies(): Set<string> | null {
  if (families !== undefined) return families;
  try {
    const listing = execFileSync("fc-list", ["--format", "%{family}\n"], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
    families = new Set(listing.split(/[\n,]/).map((f) => f.trim().toLowerCase()).filter(Boolean));
  } catch {
    families = null;
  }
  return families;
}

/** Warnings for brand fonts that are neither installed nor embedded (the text then falls back to the next font). */
export function brandFontWarnings(fonts: string[], embedded: string | undefined): string[] {
  const installed = installedFontFamilies();
  if (!installed) return [];
  return fonts.filter((f) => f !== embedded && !installed.has(f.toLowerCase())).map((f) => `brand font "${f}" is not installed and not embedded (fonts.file): text falls back to the next font of the stack`);
}
