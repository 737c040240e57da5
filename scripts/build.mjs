// Compiles src/ to dist/. Two builds:
// - the library (everything but src/cli/): each .ts file transpiled to a .js file at the same
//   relative path, so paths resolved from import.meta.url (templates/, schema/, package.json) are
//   the same from either tree (bench/render-child.mjs and the schema precompilation load it);
// - the CLI (bin/churnbook.js runs dist/cli/main.js): src/cli/main.ts bundled with everything it
//   reaches and the small pure-JavaScript packages, split at the commands' dynamic imports. Node's
//   ES module loader pays per file (resolution, package.json lookups, a read and a compile each):
//   ~170 files were ~0.2 s of every `churnbook validate` (issue 14).
// Types are checked by `tsc --noEmit` (npm test), not here: esbuild only strips them, exactly as
// tsx does when running the sources. Plain JavaScript because it runs before anything is compiled
// (`prepare`, on `npm ci`).
//
// dist/.source-stamp records the sources it was built from (scripts/dist-stamp.mjs):
// bin/churnbook.js compares it with src/ and runs the TypeScript sources instead of a stale build.

import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { distDir, root, sourceStamp, srcDir, stampFile } from "./dist-stamp.mjs";

/** The .ts files under a folder (not .d.ts). */
function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/**
 * Packages made of many small ES modules, bundled into one file each under dist/: Node's ES module
 * loader pays for every file, and TypeBox's ~200 cost ~0.1 s of each start (every analysis declares
 * its params with it). Everything else stays as it is in node_modules.
 */
const vendored = { "@sinclair/typebox": "vendor/typebox.js" };

/**
 * Packages bundled into the CLI: pure JavaScript, no files read beside their code, and on the path
 * of a command's start (yargs on every one; YAML, TypeBox, Handlebars' parser and the rest on
 * `validate`). The others (DuckDB and the canvas are native; Puppeteer, Plot, d3, pg,
 * ExcelJS, Ajv, Arquero load only when a command needs them) stay in node_modules.
 */
const cliBundled = new Set(["@sinclair/typebox", "handlebars", "yaml", "yargs", "d3-color", "marked"]);

/** The package an import names ("@scope/name" or "name"), or undefined for a relative or node: one. */
const packageOf = (spec) => (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:") ? undefined : spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/"));

/**
 * string-width (yargs and cliui measure every line of the help text they build, which yargs does
 * for every command it runs) with the answer for printable ASCII given at once: each such
 * character is a grapheme of its own, one column wide, so the width is the length, exactly what
 * string-width counts. Any other text goes to the package, loaded on first need: it segments text
 * with Intl.Segmenter, whose creation alone was ~12 ms of each start.
 */
const asciiStringWidth = (real) => `let full;
export default function stringWidth(string, options) {
  if (typeof string === "string" && /^[\\x20-\\x7e]*$/.test(string)) return string.length;
  full ??= require(${JSON.stringify(real)}).default;
  return full(string, options);
}
`;

/**
 * The CLI bundle's imports: the listed packages bundled, other packages left to node_modules, and
 * the precompiled schema checks (runner/definition-checks.js, analysis/params-checks.js) and
 * report templates (render/templates-compiled.js) bundled as the library build generated them. Every module's import.meta.url is the URL it has when run
 * unbundled (a source's: its library build, dist/<same path>.js; a package's: its file in
 * node_modules), so the paths resolved from it stay right: templates/, schema/ and package.json,
 * and yargs' locales and the package.json its --version reads.
 */
function cliImports(libraryDir, cliDir) {
  return {
    name: "cli-imports",
    setup(b) {
      b.onResolve({ filter: /^string-width$/ }, async (args) => {
        if (args.pluginData === "string-width") return undefined;
        const real = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "string-width" });
        return { path: relative(root, real.path), namespace: "ascii-string-width" };
      });
      b.onLoad({ filter: /.*/, namespace: "ascii-string-width" }, (args) => ({ contents: asciiStringWidth(join(root, args.path)), resolveDir: root, loader: "js" }));
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const pkg = packageOf(args.path);
        if (pkg) return cliBundled.has(pkg) || args.importer.includes("/node_modules/") ? undefined : { path: args.path, external: true };
        if (/-(checks|compiled)\.js$/.test(args.path) && args.importer.startsWith(srcDir)) return { path: join(libraryDir, relative(srcDir, dirname(args.importer)), args.path) };
        return undefined;
      });
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        const fromSrc = args.path.startsWith(srcDir);
        if (!fromSrc && !text.includes("import.meta.url")) return undefined;
        // The file this code would run from unbundled: for a source, its library build.
        const asRun = fromSrc ? join(libraryDir, relative(srcDir, args.path)).replace(/\.ts$/, ".js") : args.path;
        const url = `new URL(${JSON.stringify(relative(cliDir, asRun).split(sep).join("/"))}, __cliBundleUrl).href`;
        return { contents: text.replaceAll("import.meta.url", url), loader: args.path.endsWith(".ts") ? "ts" : "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The CLI: src/cli/main.ts and everything it reaches, one CommonJS script (dist/cli/churnbook.cjs)
 * that dist/cli/main.js (scripts/cli-loader.mjs) runs with V8's code cache. A script, not an ES
 * module, because Node 20 takes cached code only for scripts (node:vm); one file, because a script
 * cannot import its siblings: the commands' dynamic imports become functions that evaluate their
 * modules when first called (and packages outside the bundle are required when first needed), so
 * a command still runs only the code it uses. The cache is written by a warm-up run of `validate`
 * on the flagship report, the start users wait on most.
 */
async function buildCli(libraryDir) {
  const cliDir = join(libraryDir, "cli");
  await build({
    entryPoints: [join(cliSrc, "main.ts")],
    outfile: join(cliDir, "churnbook.cjs"),
    bundle: true,
    plugins: [cliImports(libraryDir, cliDir)],
    // Packages' paths as installed under this package (node_modules may be a link), so the paths
    // given to their import.meta.url are relative to it.
    preserveSymlinks: true,
    banner: { js: `var __cliBundleUrl = require("node:url").pathToFileURL(__filename).href;` },
    format: "cjs",
    // No import() left in the script: node:vm runs one only behind a flag; a package is required instead.
    supported: { "dynamic-import": false },
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
  });
  copyFileSync(join(root, "scripts", "cli-loader.mjs"), join(cliDir, "main.js"));
}

/**
 * Writes the CLI's code cache (scripts/cli-loader.mjs) by a run of `validate --quiet` on the
 * flagship report from dist/ in place (the cache keeps the path it was written at). A failure is
 * reported, not fatal: the build is done, the tests judge it, and the CLI runs without a cache.
 */
function warmCli() {
  const flagship = join(root, "reports", "monthly-churn.yaml");
  if (!existsSync(flagship)) return;
  const warm = spawnSync(process.execPath, [join(root, "bin", "churnbook.js"), "validate", flagship, "--quiet"], { cwd: root, encoding: "utf8" });
  if (warm.status !== 0) console.warn(`build: the CLI's warm-up run (churnbook validate ${flagship}) exited ${warm.status} (the CLI runs, perhaps without its code cache):\n${warm.stderr}`);
}

/** Leaves every import as written (each file compiled on its own), except vendored packages, pointed at their bundle. */
const importsAsWritten = {
  name: "imports-as-written",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const bundle = vendored[args.path];
      if (!bundle) return { path: args.path, external: true };
      const rel = relative(dirname(args.importer), join(srcDir, bundle)).split(sep).join("/");
      return { path: rel.startsWith(".") ? rel : `./${rel}`, external: true };
    });
  },
};

const cliSrc = join(srcDir, "cli") + sep;

export async function buildDist() {
  const stamp = sourceStamp();
  // Built beside dist/ and swapped in, so a failed build leaves the last good one and no file of a
  // deleted source lingers.
  const next = join(root, `dist.${process.pid}.tmp`);
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next);
  try {
    await build({
      entryPoints: tsFiles(srcDir).filter((f) => !f.startsWith(cliSrc)),
      outdir: next,
      outbase: srcDir,
      bundle: true,
      plugins: [importsAsWritten],
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: true,
      logLevel: "warning",
    });
    await build({
      entryPoints: Object.fromEntries(Object.entries(vendored).map(([pkg, file]) => [file.replace(/\.js$/, ""), pkg])),
      outdir: next,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "warning",
    });
    // The schema checks compiled ahead of time (src/runner/precompile.ts): Ajv's compilation was
    // ~0.3 s of every start of `churnbook validate`. Written by the build just made.
    const { precompiledModules } = await import(pathToFileURL(join(next, "runner", "precompile.js")).href);
    for (const [path, code] of Object.entries(precompiledModules())) writeFileSync(join(next, path), code);
    // The report templates compiled ahead of time (src/render/precompile.ts): Handlebars' compiler
    // was ~0.15 s of every render's CPU.
    const { precompiledTemplatesModule } = await import(pathToFileURL(join(next, "render", "precompile.js")).href);
    writeFileSync(join(next, "render", "templates-compiled.js"), precompiledTemplatesModule());
    await buildCli(next);
  } catch (e) {
    rmSync(next, { recursive: true, force: true });
    throw e;
  }
  writeFileSync(join(next, stampFile), stamp);
  const old = join(root, `dist.${process.pid}.old`);
  try {
    renameSync(distDir, old);
  } catch {
    // no dist/ yet
  }
  renameSync(next, distDir);
  rmSync(old, { recursive: true, force: true });
  warmCli();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await buildDist();
  console.log(`built dist/ in ${Math.round(performance.now() - t0)} ms`);
}
