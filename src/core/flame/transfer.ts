/**
 * Sending a big flame document to the webview in bounded pieces. One `postMessage` of a chart of a
 * million spans copies over 100 MB in one go on the extension host's thread (VS Code gathers every
 * buffer of a message into one); split up, each message copies at most a few MB and the host can
 * run other work between them. The document travels as a skeleton (the document with each typed
 * array replaced by a reference to a part) and the parts' bytes in slices; the webview reassembles
 * it. Shared by the host and the webview: no Node or DOM APIs.
 */
import type { FlameDocument } from './data';

const ARRAY_TYPES = {
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
} as const;

export type ArrayTypeName = keyof typeof ARRAY_TYPES;
type AnyTypedArray = InstanceType<(typeof ARRAY_TYPES)[ArrayTypeName]>;

/** One typed array of the document: its type and element count. */
export interface PartInfo {
  type: ArrayTypeName;
  length: number;
}

/** Where a part goes in the skeleton. */
export interface PartRef {
  $part: number;
}

export interface DocumentSlice {
  part: number;
  /** Byte offset within the part. */
  offset: number;
  /** A copy (its own buffer): a view would make VS Code send the whole underlying buffer. */
  bytes: Uint8Array;
}

/** Slices of this many bytes keep one message's copy at a few milliseconds. */
export const SLICE_BYTES = 4 << 20;

function typeName(a: ArrayBufferView): ArrayTypeName | undefined {
  for (const [name, C] of Object.entries(ARRAY_TYPES)) if (a instanceof C) return name as ArrayTypeName;
  return undefined;
}

/** Bytes in all typed arrays of the document. */
export function documentArrayBytes(doc: FlameDocument): number {
  let n = 0;
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) n += v.byteLength;
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(doc.views);
  return n;
}

/**
 * The document as a skeleton and its typed arrays. `slices()` yields the arrays' bytes in pieces
 * of at most `sliceBytes`, copying one piece at a time.
 */
export function splitDocument(
  doc: FlameDocument,
  sliceBytes = SLICE_BYTES,
): { skeleton: FlameDocument; parts: PartInfo[]; slices: () => Generator<DocumentSlice> } {
  const { skeleton, parts, arrays } = stripArrays(doc);
  function* slices(): Generator<DocumentSlice> {
    for (const [part, a] of arrays.entries()) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let offset = 0; offset < bytes.byteLength; offset += sliceBytes) {
        yield { part, offset, bytes: bytes.slice(offset, offset + sliceBytes) };
      }
    }
  }
  return { skeleton, parts, slices };
}

/** The document with each typed array replaced by a part reference, and the arrays in part order. */
function stripArrays(doc: FlameDocument): { skeleton: FlameDocument; parts: PartInfo[]; arrays: AnyTypedArray[] } {
  const arrays: AnyTypedArray[] = [];
  const parts: PartInfo[] = [];
  const strip = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const type = typeName(v);
      if (!type) throw new Error('a flame document holds an unsupported typed array');
      arrays.push(v as AnyTypedArray);
      parts.push({ type, length: (v as AnyTypedArray).length });
      return { $part: parts.length - 1 } satisfies PartRef;
    }
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  const skeleton = { ...doc, views: strip(doc.views) } as FlameDocument;
  return { skeleton, parts, arrays };
}

/**
 * The document's arrays as one binary file for the webview to fetch (a big document, see
 * src/extension/flame/panel.ts): every part's bytes one after another, in part order. `chunks()`
 * yields views of the arrays (no copy) to write out.
 */
export function documentFile(doc: FlameDocument): {
  skeleton: FlameDocument;
  parts: PartInfo[];
  totalBytes: number;
  chunks: () => Generator<Uint8Array>;
} {
  const { skeleton, parts, arrays } = stripArrays(doc);
  const totalBytes = arrays.reduce((n, a) => n + a.byteLength, 0);
  function* chunks(): Generator<Uint8Array> {
    for (const a of arrays) yield new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  }
  return { skeleton, parts, totalBytes, chunks };
}

/**
 * Feeds the bytes of a document file (as `documentFile` laid them out), in pieces of any size as
 * they arrive, to an assembler.
 */
export class DocumentFileReader {
  private part = 0;
  private offset = 0;
  private readonly sizes: number[];

  constructor(
    readonly assembler: DocumentAssembler,
    parts: readonly PartInfo[],
  ) {
    this.sizes = parts.map((p) => p.length * ARRAY_TYPES[p.type].BYTES_PER_ELEMENT);
  }

  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.byteLength) {
      while (this.part < this.sizes.length && this.offset === this.sizes[this.part]) {
        this.part++;
        this.offset = 0;
      }
      if (this.part >= this.sizes.length) throw new Error('the document file is longer than its parts');
      const n = Math.min(bytes.byteLength - at, this.sizes[this.part]! - this.offset);
      this.assembler.add({ part: this.part, offset: this.offset, bytes: bytes.subarray(at, at + n) });
      this.offset += n;
      at += n;
    }
  }
}

/** Largest document the webview accepts to reassemble (its arrays' bytes). */
const MAX_TOTAL_BYTES = 4 * 1024 ** 3;

/** Rebuilds a document from its skeleton and slices, checking every piece against the part list. */
export class DocumentAssembler {
  private readonly arrays: AnyTypedArray[];
  private readonly views: Uint8Array[];
  private received = 0;
  readonly totalBytes: number;

  constructor(
    private readonly skeleton: FlameDocument,
    parts: readonly PartInfo[],
  ) {
    if (!Array.isArray(parts)) throw new Error('document parts are missing');
    let total = 0;
    this.arrays = parts.map((p, i) => {
      const C = p && Object.prototype.hasOwnProperty.call(ARRAY_TYPES, p.type) ? ARRAY_TYPES[p.type as ArrayTypeName] : undefined;
      if (!C || !Number.isSafeInteger(p.length) || p.length < 0) throw new Error(`document part ${i} is malformed`);
      total += p.length * C.BYTES_PER_ELEMENT;
      if (total > MAX_TOTAL_BYTES) throw new Error('the document is too large to show');
      return new C(p.length);
    });
    this.totalBytes = total;
    this.views = this.arrays.map((a) => new Uint8Array(a.buffer));
  }

  /** Bytes received so far. */
  get receivedBytes(): number {
    return this.received;
  }

  add(slice: DocumentSlice): void {
    const target = Number.isInteger(slice.part) ? this.views[slice.part] : undefined;
    const bytes = slice.bytes;
    if (!target || !(bytes instanceof Uint8Array)) throw new Error('a document slice is malformed');
    if (!Number.isInteger(slice.offset) || slice.offset < 0 || slice.offset + bytes.byteLength > target.byteLength)
      throw new Error('a document slice is out of range');
    target.set(bytes, slice.offset);
    this.received += bytes.byteLength;
  }

  /** The document, once every byte has arrived. */
  finish(): FlameDocument {
    if (this.received !== this.totalBytes)
      throw new Error(`the document arrived incomplete (${this.received} of ${this.totalBytes} bytes)`);
    const fill = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(fill);
      if (v && typeof v === 'object') {
        const ref = (v as Partial<PartRef>).$part;
        if (typeof ref === 'number' && Object.keys(v).length === 1) {
          const a = this.arrays[ref];
          if (!a) throw new Error('a document part reference is out of range');
          return a;
        }
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
      }
      return v;
    };
    return { ...this.skeleton, views: fill(this.skeleton.views) as FlameDocument['views'] };
  }
}
