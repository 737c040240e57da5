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
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
 * The CLI bundle's imports: the listed packages bundled, other packages left to node_modules, and
 * the precompiled schema checks (runner/definition-checks.js, analysis/params-checks.js: generated
 * into the library build, imported dynamically so the sources run without them) bundled from there.
 * Every source's import.meta.url is the URL it has in the library build (dist/<same path>.js), so
 * the paths resolved from it (templates/, schema/, package.json) stay right in whatever chunk of
 * dist/cli/ the module lands.
 */
function cliImports(libraryDir, cliDir) {
  return {
    name: "cli-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return undefined;
        const pkg = packageOf(args.path);
        if (pkg) return cliBundled.has(pkg) || args.importer.includes("/node_modules/") ? undefined : { path: args.path, external: true };
        if (args.path.endsWith("-checks.js") && args.importer.startsWith(srcDir)) {
          const generated = join(libraryDir, relative(srcDir, dirname(args.importer)), args.path);
          if (existsSync(generated)) return { path: generated };
        }
        return undefined;
      });
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(srcDir)) return undefined;
        const asBuilt = relative(cliDir, join(libraryDir, relative(srcDir, args.path))).split(sep).join("/").replace(/\.ts$/, ".js");
        const contents = readFileSync(args.path, "utf8").replaceAll("import.meta.url", `new URL(${JSON.stringify(asBuilt)}, import.meta.url).href`);
        return { contents, loader: "ts" };
      });
    },
  };
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
    const cliDir = join(next, "cli");
    await build({
      entryPoints: [join(cliSrc, "main.ts")],
      outdir: cliDir,
      bundle: true,
      splitting: true,
      chunkNames: "[name]-[hash]",
      plugins: [cliImports(next, cliDir)],
      // The bundled CommonJS packages (YAML, Handlebars) require Node's built-ins.
      banner: { js: `import { createRequire as __cliCreateRequire } from "node:module";\nconst require = __cliCreateRequire(import.meta.url);` },
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: true,
      logLevel: "warning",
    });
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
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await buildDist();
  console.log(`built dist/ in ${Math.round(performance.now() - t0)} ms`);
}
