// A ZIP archive in memory (PKWARE APPNOTE 6.3: local headers, deflated data, central directory),
// enough for an OOXML workbook: deflate from node:zlib (native) at its fastest level, no ZIP64
// (every entry and the archive under 4 GiB, checked), ASCII names. Every entry carries the same
// given time, so the same files give the same bytes.
//
// Level 1 rather than zlib's default 6: the 30 MB sheet of a 67k-row table packs in 0.25 s
// instead of 0.9 s of CPU, into 5.9 MB instead of 5.0 MB.

import { crc32, deflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  data: string | Uint8Array;
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

export function zip(entries: ZipEntry[], modified: Date): Uint8Array {
  const { time, date } = dosTime(modified);
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!/^[\x20-\x7e]+$/.test(e.name)) throw new Error(`zip: entry name ${JSON.stringify(e.name)} is not printable ASCII`);
    const raw = typeof e.data === "string" ? Buffer.from(e.data, "utf8") : e.data;
    const packed = deflateRawSync(raw, { level: 1 });
    if (raw.length > limit || packed.length > limit) throw new Error(`zip: ${e.name} is over 4 GiB`);
    const name = Buffer.from(e.name, "ascii");
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(raw.length, 24);
    entry.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal and external attributes: 0
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(entry, name);
    offset += local.length + name.length + packed.length;
    if (offset > limit) throw new Error("zip: the archive is over 4 GiB");
  }
  const size = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  if (entries.length > 0xffff) throw new Error("zip: more than 65535 entries");
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}
