/**
 * A minimal reader for the zip archives `serverless package` writes: lists entries from the
 * central directory and extracts them (stored or deflated). Enough to inspect and unpack a
 * Lambda artifact without a dependency; not a general-purpose zip library (no zip64, no
 * encryption, no multi-disk archives).
 */
import { readFile } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  read(entry: ZipEntry): Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

export const openZip = async (path: string): Promise<ZipArchive> => parseZip(await readFile(path));

export const parseZip = (buffer: Buffer): ZipArchive => {
  // The end-of-central-directory record sits in the last 22 bytes plus a comment (< 64 KiB).
  const floor = Math.max(0, buffer.length - 22 - 0xffff);
  let end = -1;
  for (let offset = buffer.length - 22; offset >= floor; offset -= 1) {
    if (buffer.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip archive (no end of central directory)");
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (buffer.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) {
      throw new Error(`corrupt zip central directory at byte ${offset}`);
    }
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    entries.push({
      method: buffer.readUInt16LE(offset + 10),
      compressedSize: buffer.readUInt32LE(offset + 20),
      size: buffer.readUInt32LE(offset + 24),
      localHeaderOffset: buffer.readUInt32LE(offset + 42),
      name: buffer.toString("utf8", offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  const read = (entry: ZipEntry): Buffer => {
    const local = entry.localHeaderOffset;
    if (buffer.readUInt32LE(local) !== LOCAL_FILE_HEADER) {
      throw new Error(`corrupt zip local header for ${entry.name}`);
    }
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + entry.compressedSize);
    if (entry.method === STORED) return Buffer.from(data);
    if (entry.method === DEFLATED) return inflateRawSync(data);
    throw new Error(`unsupported zip compression method ${entry.method} for ${entry.name}`);
  };
  return { entries, read };
};
