// A client's brand: logo (PNG, JPEG or SVG, embedded in the HTML and the PDF as a data: URI),
// primary and accent colours, fonts with a CJK fallback, cover and footer text, and a theme
// (templates/themes/<name>.css). Written inline in clients.yaml or as a file of its own; paths
// are relative to the file that names them. A missing logo is a located error.

import { Type, type Static } from "@sinclair/typebox";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { ChurnbookError } from "../util/errors.js";
import { locatedError, parseLocatedYaml } from "./located-yaml.js";
import type { Path, SourceMap } from "./validate.js";

const Color = Type.String({ pattern: "^#[0-9a-fA-F]{6}$", description: "A colour as #rrggbb." });
const FontFamily = Type.String({ pattern: "^[A-Za-z0-9 _-]+$", description: "A font family name (letters, digits, spaces, - and _)." });

export const BrandSpec = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ description: "The client's name as printed on the cover and in the running header." })),
    logo: Type.Optional(Type.String({ description: "Logo image (PNG, JPEG or SVG), relative to this file; embedded in the HTML and the PDF." })),
    theme: Type.Optional(Type.String({ pattern: "^[a-z][a-z0-9_-]*$", description: "Theme: templates/themes/<name>.css (corporate = default, minimal)." })),
    colors: Type.Optional(
      Type.Object(
        {
          primary: Type.Optional({ ...Color, description: "Main brand colour: cover band, headings' rules, first chart series." }),
          accent: Type.Optional({ ...Color, description: "Second brand colour: the second chart series and highlights." }),
        },
        { additionalProperties: false },
      ),
    ),
    fonts: Type.Optional(
      Type.Object(
        {
          body: Type.Optional({ ...FontFamily, description: "Font family of the text (installed, or given by `file`)." }),
          file: Type.Optional(Type.String({ description: "A .woff2, .woff, .ttf or .otf file for `body`, embedded in the HTML (and so in the PDF)." })),
          cjk: Type.Optional({ ...FontFamily, description: "Fallback for Chinese, Japanese and Korean text (default: Noto Sans CJK SC)." }),
        },
        { additionalProperties: false },
      ),
    ),
    cover_text: Type.Optional(Type.String({ description: "A line on the cover, e.g. 'Prepared by Northwind Advisory'." })),
    footer_text: Type.Optional(Type.String({ description: "Left side of every page footer (default: the report title)." })),
  },
  { additionalProperties: false, description: "A client's brand." },
);
export type BrandSpecT = Static<typeof BrandSpec>;

/** A brand ready for rendering: files read, data: URIs built. */
export interface Brand {
  name?: string;
  theme?: string;
  primary?: string;
  accent?: string;
  logo?: { dataUri: string; mime: string; sha256?: string };
  /** Font families in order: body, CJK fallback (the report's stack follows). */
  fonts: string[];
  /** @font-face rules for an embedded font file. */
  fontFaceCss?: string;
  coverText?: string;
  footerText?: string;
  /** Files the brand read (for the inputs fingerprint). */
  files: string[];
}

const imageTypes: Record<string, string> = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml" };
const fontTypes: Record<string, string> = { ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf" };

/** Reads a brand file. */
export async function loadBrandFile(file: string): Promise<Brand> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ChurnbookError("missing-file", `cannot read brand file "${file}"`, { hint: (e as NodeJS.ErrnoException).code === "ENOENT" ? "check the path" : String(e), exitCode: 2 });
  }
  const { value, source } = parseLocatedYaml<BrandSpecT>(text, file, BrandSpec, "brand file", "invalid-brand");
  return resolveBrand(value, source, [], dirname(file), [file]);
}

/** Resolves a brand written at `path` in a YAML file (inline or loaded), reading its logo and font. */
export function resolveBrand(spec: BrandSpecT, source: SourceMap, path: Path, dir: string, files: string[] = []): Brand {
  const brand: Brand = {
    name: spec.name,
    theme: spec.theme,
    primary: spec.colors?.primary,
    accent: spec.colors?.accent,
    fonts: [spec.fonts?.body, spec.fonts?.cjk ?? "Noto Sans CJK SC"].filter((f): f is string => Boolean(f)),
    coverText: spec.cover_text,
    footerText: spec.footer_text,
    files: [...files],
  };
  const readAsset = (key: Path, rel: string, types: Record<string, string>, what: string): { bytes: Buffer; mime: string; file: string } => {
    const at = source.locate([...path, ...key]);
    const mime = types[extname(rel).toLowerCase()];
    if (!mime) throw locatedError(source.file, "brand", [{ ...at, message: `${what} "${rel}" is not a ${Object.keys(types).join(", ")} file` }], "invalid-brand");
    const file = resolve(dir, rel);
    try {
      return { bytes: readFileSync(file), mime, file };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw locatedError(source.file, "brand", [{ ...at, message: `${what} "${rel}" ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`}`, hint: `looked for ${file}; paths are relative to ${source.file}` }], code === "ENOENT" ? "missing-logo" : "invalid-brand");
    }
  };
  if (spec.logo) {
    const { bytes, mime, file } = readAsset(["logo"], spec.logo, imageTypes, "logo");
    if (mime === "image/svg+xml" ? !/<svg[\s>]/i.test(bytes.toString("utf8")) : mime === "image/png" ? bytes.readUInt32BE(0) !== 0x89504e47 : bytes[0] !== 0xff || bytes[1] !== 0xd8) {
      throw locatedError(source.file, "brand", [{ ...source.locate([...path, "logo"]), message: `logo "${spec.logo}" is not a valid ${mime.split("/")[1]!.replace("+xml", "")} image` }], "invalid-brand");
    }
    brand.logo = { dataUri: `data:${mime};base64,${bytes.toString("base64")}`, mime };
    brand.files.push(file);
  }
  if (spec.fonts?.file) {
    if (!spec.fonts.body) throw locatedError(source.file, "brand", [{ ...source.locate([...path, "fonts", "file"]), message: "fonts.file needs fonts.body: the family name the file provides" }], "invalid-brand");
    const { bytes, mime, file } = readAsset(["fonts", "file"], spec.fonts.file, fontTypes, "font file");
    brand.fontFaceCss = `@font-face { font-family: "${spec.fonts.body}"; src: url(data:${mime};base64,${bytes.toString("base64")}); font-display: block; }`;
    brand.files.push(file);
  }
  return brand;
}
