// A ZIP archive (PKWARE APPNOTE 6.3: local headers, deflated data, central directory), enough
// for an OOXML workbook: deflate from node:zlib (native) at its fastest level, no ZIP64 (every
// entry and the archive under 4 GiB, checked), ASCII names. Every entry carries the same given
// time, so the same files give the same bytes.
//
// An entry's data may be produced in chunks (a worksheet of a million rows): it is deflated as it
// comes and written out, and its local header — whose CRC and sizes are known only at the end —
// is filled in afterwards (ZipSink.rewrite), so the archive has the same bytes as when every
// entry is given whole, and neither the entry's text nor its packed bytes are held at once.
//
// Level 1 rather than zlib's default 6: the 30 MB sheet of a 67k-row table packs in 0.25 s
// instead of 0.9 s of CPU, into 5.9 MB instead of 5.0 MB.

import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createDeflateRaw } from "node:zlib";

export interface ZipEntry {
  name: string;
  /** The data whole, or a function giving it in chunks (called once). */
  data: string | Uint8Array | (() => AsyncIterable<string | Uint8Array>);
}

/** Where an archive goes: bytes appended in order, and a header written earlier written again. */
export interface ZipSink {
  write(bytes: Buffer): Promise<void>;
  /** Writes `bytes` again at `position`, where the same-sized buffer was written before. */
  rewrite(bytes: Buffer, position: number): Promise<void>;
}

const limit = 0xffffffff;

/** The MS-DOS time and date of a UTC instant (two-second resolution; 1980 at the earliest). */
function dosTime(at: Date): { time: number; date: number } {
  if (at.getUTCFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** The archive in memory. */
export async function zip(entries: ZipEntry[], modified: Date): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  // A rewritten header is the very buffer written before, changed in place: nothing to do.
  await writeZip({ write: async (b) => void parts.push(b), rewrite: async () => {} }, entries, modified);
  return new Uint8Array(Buffer.concat(parts));
}

/** The archive written to a file, entry by entry. */
export async function writeZipFile(path: string, entries: ZipEntry[], modified: Date): Promise<void> {
  const file = await open(path, "w");
  try {
    let at = 0;
    await writeZip(
      {
        write: async (b) => {
          await file.write(b, 0, b.length, at);
          at += b.length;
        },
        rewrite: async (b, position) => void (await file.write(b, 0, b.length, position)),
      },
      entries,
      modified,
    );
  } finally {
    await file.close();
  }
}

/** Deflates the chunks into the sink; returns the entry's CRC-32 and its raw and packed sizes. */
async function deflateInto(chunks: AsyncIterable<string | Uint8Array>, sink: ZipSink): Promise<{ crc: number; raw: number; packed: number }> {
  let crc = 0, raw = 0, packed = 0;
  async function* counted() {
    for await (const c of chunks) {
      const b = typeof c === "string" ? Buffer.from(c, "utf8") : c;
      crc = crc32(b, crc);
      raw += b.length;
      if (raw > limit) throw new Error("zip: an entry is over 4 GiB");
      yield b;
    }
  }
  await pipeline(Readable.from(counted()), createDeflateRaw({ level: 1 }), async (out: AsyncIterable<Buffer>) => {
    for await (const b of out) {
      packed += b.length;
      await sink.write(b);
    }
  });
  return { crc, raw, packed };
}

export async function writeZip(sink: ZipSink, entries: ZipEntry[], modified: Date): Promise<void> {
  const { time, date } = dosTime(modified);
  const central: Buffer[] = [];
  let offset = 0;
  if (entries.length > 0xffff) throw new Error("zip: more than 65535 entries");
  for (const e of entries) {
    if (!/^[\x20-\x7e]+$/.test(e.name)) throw new Error(`zip: entry name ${JSON.stringify(e.name)} is not printable ASCII`);
    const name = Buffer.from(e.name, "ascii");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    await sink.write(local);
    await sink.write(name);
    const data = e.data;
    const source = typeof data === "function" ? data() : (async function* () { yield data; })();
    const { crc, raw, packed } = await deflateInto(source, sink);
    if (packed > limit) throw new Error(`zip: ${e.name} is over 4 GiB`);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed, 18);
    local.writeUInt32LE(raw, 22);
    await sink.rewrite(local, offset);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed, 20);
    entry.writeUInt32LE(raw, 24);
    entry.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal and external attributes: 0
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += local.length + name.length + packed;
    if (offset > limit) throw new Error("zip: the archive is over 4 GiB");
  }
  const size = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  for (const b of [...central, end]) await sink.write(b);
}
