// Compiles src/ to dist/ for the CLI (bin/churnbook.js): each .ts file transpiled to a .js file at
// the same relative path, so paths resolved from import.meta.url (templates/, schema/,
// package.json) are the same from either tree. Types are checked by `tsc --noEmit` (npm test),
// not here: esbuild only strips them, exactly as tsx does when running the sources.
// Plain JavaScript because it runs before anything is compiled (`prepare`, on `npm ci`).
//
// dist/.source-stamp records the sources it was built from (scripts/dist-stamp.mjs):
// bin/churnbook.js compares it with src/ and runs the TypeScript sources instead of a stale build.

import { build } from "esbuild";
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

export async function buildDist() {
  const stamp = sourceStamp();
  // Built beside dist/ and swapped in, so a failed build leaves the last good one and no file of a
  // deleted source lingers.
  const next = join(root, `dist.${process.pid}.tmp`);
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next);
  try {
    await build({
      entryPoints: tsFiles(srcDir),
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
