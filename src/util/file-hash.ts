// A file's fingerprint: sha256 of its bytes, the one the manifest shows and caches key on.
// Remembered per path while its size, mtime and inode stay the same, so that a run hashing a
// dataset for its cache key and the loader reporting it read the file once, not twice.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";

const fileHashes = new Map<string, { stamp: string; sha256: string }>();

/** What changes when a file is rewritten: its size, modification time and inode. */
export async function fileStamp(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/** sha256 of a file's bytes (remembered per path while its size, mtime and inode stay the same). */
export async function fileSha256(file: string): Promise<string> {
  const stamp = await fileStamp(file);
  const known = fileHashes.get(file);
  if (known && known.stamp === stamp) return known.sha256;
  const sha256 = await new Promise<string>((ok, fail) => {
    const h = createHash("sha256");
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on("data", (c) => h.update(c))
      .on("error", fail)
      .on("end", () => ok(h.digest("hex")));
  });
  fileHashes.set(file, { stamp, sha256 });
  return sha256;
}
