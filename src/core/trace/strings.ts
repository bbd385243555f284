/**
 * String helpers for the parsers. Parsers cut names and values out of large input chunks; V8 keeps
 * such substrings as views into the whole chunk, so anything a Trace keeps is copied out and
 * pooled: a trace with a million spans holds a few hundred distinct names, not a million views.
 */
import { stripVTControlCharacters } from 'node:util';

/** A standalone copy of `s` that does not keep the string it was cut from alive. */
export function detach(s: string): string {
  // V8 copies substrings shorter than 13 characters; longer ones are views. Concatenating and
  // slicing again makes V8 flatten the pair into a fresh string, which is all the result keeps.
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Interns strings; past `cap` distinct entries it still detaches but stops remembering. */
export class StringPool {
  private readonly map = new Map<string, string>();
  constructor(private readonly cap = 200_000) {}

  get(s: string): string {
    const hit = this.map.get(s);
    if (hit !== undefined) return hit;
    const own = detach(s);
    if (this.map.size < this.cap) this.map.set(own, own);
    return own;
  }
}

/** A bounded memo of frozen values keyed by the text they were parsed from. */
export class FrozenCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly cap = 50_000) {}

  get(key: string, make: () => T): T {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const value = Object.freeze(make()) as T;
    if (this.map.size < this.cap) this.map.set(detach(key), value);
    return value;
  }
}

/**
 * The value of a Rust `Debug`-formatted string (`"prover"` -> `prover`); other text is returned as
 * is. Rust's escapes for printable text are a subset of JSON's.
 */
export function unquoteDebug(v: string): string {
  if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) {
    if (v.indexOf('\\') < 0) return v.slice(1, -1);
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  return v;
}

/** Index just past a `"..."` string starting at `i` (which holds the quote), or -1 if unclosed. */
export function skipQuoted(s: string, i: number, end = s.length): number {
  for (let j = i + 1; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 34) return j + 1;
  }
  return -1;
}

/**
 * Removes terminal control sequences: colours (CSI), and OSC sequences such as the OSC 8
 * hyperlinks cargo prints (`ESC ] 8 ;; url ESC \ text ESC ] 8 ;; ESC \` keeps only `text`).
 */
export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}

/** A line shortened for reports. */
export function excerpt(s: string, max = 200): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return detach(t);
}

/**
 * A memo keyed by a range of a larger string. The range is cut out (a cheap view) and looked up in
 * a map; only keys that are new are copied, so nothing kept points into the input chunks.
 */
export class SliceCache<T> {
  private readonly map = new Map<string, T>();

  constructor(
    private readonly make: (text: string) => T,
    private readonly cap = 50_000,
  ) {}

  get(s: string, a: number, b: number): T {
    const text = a === 0 && b === s.length ? s : s.slice(a, b);
    let value = this.map.get(text);
    if (value === undefined) {
      const own = detach(text);
      value = this.make(own);
      if (this.map.size < this.cap) this.map.set(own, value);
    }
    return value;
  }
}

/**
 * Text that was decoded one byte per character (latin1) turned back into what its UTF-8 bytes
 * say. Parsers that read byte-decoded input use it on the few strings they keep.
 */
export function utf8FromBytes(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 0x80) i++;
  if (i === s.length) return s;
  const bytes = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) bytes[k] = s.charCodeAt(k);
  return new TextDecoder('utf-8').decode(bytes);
}
