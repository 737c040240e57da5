// dist/cli/main.js: loads the CLI bundle (dist/cli/churnbook.cjs, scripts/build.mjs) with V8's
// code cache. Node 20 keeps no compiled code between runs (module.enableCompileCache is Node 22),
// so every start parsed the ~3 MB bundle and compiled each function it ran again. A script
// compiled through node:vm can be given the bytecode of an earlier run (dist/cli/churnbook.cache,
// written by the build's warm-up `validate` of the flagship): V8 checks it against the source's
// length and its own version and flags and ignores it when they differ, so a stale or foreign
// cache costs a compile, never a wrong result. The cache also keeps the bundle's path from the run
// that wrote it (stack traces name it), so it starts with that path and is used only at the same
// one. When there is none (or it is for another path), this run writes one at exit (best effort:
// an installed package's folder may be read-only). One V8 refused is left alone: it was written
// under other V8 flags (e.g. --max-old-space-size in NODE_OPTIONS) or another Node, and rewriting
// it would make runs under the two alternate, each paying a compile and a write (measured: 0.36 s
// CPU a run instead of 0.2 s); `npm run build` writes it again for the Node in use.
// Copied by the build, not compiled: plain JavaScript.

import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const file = fileURLToPath(new URL("./churnbook.cjs", import.meta.url));
const cacheFile = fileURLToPath(new URL("./churnbook.cache", import.meta.url));

const header = Buffer.from(`${file}\n`);
let cachedData;
try {
  const cache = readFileSync(cacheFile);
  if (cache.subarray(0, header.length).equals(header)) cachedData = cache.subarray(header.length);
} catch {
  // no cache yet: compiled from source, and one written at exit
}
// The CommonJS wrapper on the bundle's first line, so positions in stack traces stay the bundle's.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`, { filename: file, cachedData });
const cjs = { exports: {} };
script.runInThisContext()(cjs.exports, createRequire(file), cjs, file, dirname(file));

if (cachedData === undefined) {
  process.once("exit", () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]));
      renameSync(tmp, cacheFile);
    } catch {
      rmSync(tmp, { force: true });
    }
  });
}

export const { main } = cjs.exports;
