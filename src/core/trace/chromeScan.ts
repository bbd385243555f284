/**
 * Reads the fields of one trace-event object straight from its JSON text (one line as
 * tracing-chrome writes it), without building the object: the parser needs a handful of scalar
 * fields, and `args` is looked up by its raw text. Gives up on anything unusual (escapes in
 * keys, string pids, `id2`...), and the caller falls back to JSON.parse.
 */

/** The scanned event; ranges are [start, end) offsets into the line, -1 when absent. */
export class RawEvent {
  ph = 0;
  ts = NaN;
  dur = NaN;
  pid = 0;
  tid = 0;
  nameStart = -1;
  nameEnd = -1;
  nameEscaped = false;
  catStart = -1;
  catEnd = -1;
  argsStart = -1;
  argsEnd = -1;
  fileStart = -1;
  fileEnd = -1;
  line = NaN;
  scope = 0;
  id = '';

  reset(): void {
    this.ph = 0;
    this.ts = NaN;
    this.dur = NaN;
    this.pid = 0;
    this.tid = 0;
    this.nameStart = this.nameEnd = this.catStart = this.catEnd = -1;
    this.argsStart = this.argsEnd = this.fileStart = this.fileEnd = -1;
    this.nameEscaped = false;
    this.line = NaN;
    this.scope = 0;
    this.id = '';
  }
}

function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** End (index of the closing quote) of a string whose opening quote is at i-1; -1 if unclosed. */
function stringEnd(s: string, i: number, end: number): number {
  let j = s.indexOf('"', i);
  while (j >= 0 && j < end) {
    let k = j - 1;
    while (s.charCodeAt(k) === 92) k--;
    if ((j - 1 - k) % 2 === 0) return j;
    j = s.indexOf('"', j + 1);
  }
  return -1;
}

/** Index just past a JSON object/array starting at i (string-aware); -1 if it does not close. */
function nestedEnd(s: string, i: number, end: number): number {
  let depth = 0;
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 34) {
      j = stringEnd(s, j + 1, end);
      if (j < 0) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

let numEnd = 0;

/** A JSON number at i (sign, fraction, exponent); NaN if none. Sets numEnd. */
function number(s: string, i: number, end: number): number {
  let j = i;
  let neg = false;
  if (s.charCodeAt(j) === 45) {
    neg = true;
    j++;
  }
  let v = 0;
  const digitsFrom = j;
  for (; j < end; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (j === digitsFrom) return NaN;
  let c = s.charCodeAt(j);
  if (c === 46) {
    let f = 0;
    let scale = 1;
    for (j++; j < end; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      if (scale < 1e15) {
        f = f * 10 + d;
        scale *= 10;
      }
    }
    v += f / scale;
    c = s.charCodeAt(j);
  }
  if (c === 101 || c === 69) {
    // An exponent: let the engine read the whole number exactly as JSON.parse would.
    for (j++; j < end; j++) {
      c = s.charCodeAt(j);
      if (!((c >= 48 && c <= 57) || c === 43 || c === 45)) break;
    }
    numEnd = j;
    return Number(s.slice(i, j));
  }
  numEnd = j;
  return neg ? -v : v;
}

/**
 * Scans the object starting at s[a] (`{`) into `e`. Returns the index just past its closing
 * brace, or -1 when the object needs JSON.parse.
 */
export function scanEvent(s: string, a: number, b: number, e: RawEvent): number {
  e.reset();
  // Next backslash at or after the current string: one forward scan per line in total.
  let bs = s.indexOf('\\', a);
  let i = skipWs(s, a + 1);
  if (s.charCodeAt(i) === 125) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== 34) return -1;
    const ks = i + 1;
    // Keys are short: a loop beats a native call; escapes in keys are left to JSON.parse.
    let ke = ks;
    for (let c = s.charCodeAt(ke); c !== 34; c = s.charCodeAt(++ke)) if (c === 92 || ke >= b) return -1;
    i = skipWs(s, ke + 1);
    if (s.charCodeAt(i) !== 58) return -1;
    i = skipWs(s, i + 1);
    const c = s.charCodeAt(i);
    const klen = ke - ks;
    const k0 = s.charCodeAt(ks);
    const k1 = s.charCodeAt(ks + 1);
    if (c === 34) {
      const vs = i + 1;
      const ve = stringEnd(s, vs, b);
      if (ve < 0) return -1;
      i = ve + 1;
      if (bs >= 0 && bs < vs) bs = s.indexOf('\\', vs);
      const escaped = bs >= 0 && bs < ve;
      if (klen === 2 && k0 === 112 && k1 === 104) {
        // "ph"
        if (ve - vs !== 1) return -1;
        e.ph = s.charCodeAt(vs);
      } else if (klen === 4 && k0 === 110 && k1 === 97 && s.charCodeAt(ks + 2) === 109) {
        e.nameStart = vs;
        e.nameEnd = ve;
        e.nameEscaped = escaped;
      } else if (klen === 3 && k0 === 99 && k1 === 97) {
        // "cat"
        if (escaped) return -1;
        e.catStart = vs;
        e.catEnd = ve;
      } else if (klen === 1 && k0 === 115) {
        // "s" (instant event scope)
        e.scope = s.charCodeAt(vs);
      } else if (klen === 5 && k0 === 46 && k1 === 102) {
        // ".file"
        if (escaped) return -1;
        e.fileStart = vs;
        e.fileEnd = ve;
      } else if ((klen === 2 && k0 === 116 && k1 === 115) || (klen === 3 && k1 === 105 && s.charCodeAt(ks + 2) === 100)) {
        return -1; // "ts"/"pid"/"tid" given as strings
      } else if (klen === 2 && k0 === 105 && k1 === 100) {
        e.id = s.slice(vs, ve);
      }
    } else if (
      c === 123 &&
      klen === 4 &&
      k0 === 97 &&
      s.charCodeAt(b - 1) === 125 &&
      s.charCodeAt(b - 2) === 125 &&
      k1 === 114 &&
      s.charCodeAt(ks + 3) === 115
    ) {
      // tracing-chrome writes args last: take the rest of the line as the args object without
      // scanning it. The caller validates it (a cache hit, or JSON.parse) and falls back if wrong.
      e.argsStart = i;
      e.argsEnd = b - 1;
      return b;
    } else if (c === 123 || c === 91) {
      const end = nestedEnd(s, i, b);
      if (end < 0) return -1;
      if (klen === 4 && k0 === 97 && k1 === 114 && s.charCodeAt(ks + 3) === 115) {
        e.argsStart = i;
        e.argsEnd = end;
      } else if (klen === 3 && k0 === 105) return -1; // "id2"
      i = end;
    } else {
      const v = number(s, i, b);
      if (v !== v) {
        // true / false / null
        let j = i;
        while (j < b && s.charCodeAt(j) >= 97 && s.charCodeAt(j) <= 122) j++;
        if (j === i) return -1;
        i = j;
      } else {
        i = numEnd;
        if (klen === 2) {
          if (k0 === 116 && k1 === 115) e.ts = v;
          else if (k0 === 105 && k1 === 100) e.id = String(v);
        } else if (klen === 3) {
          if (k0 === 112 && k1 === 105) e.pid = v;
          else if (k0 === 116 && k1 === 105) e.tid = v;
          else if (k0 === 100 && k1 === 117) e.dur = v;
        } else if (klen === 5 && k0 === 46 && k1 === 108) e.line = v;
      }
    }
    i = skipWs(s, i);
    const sep = s.charCodeAt(i);
    if (sep === 125) return i + 1;
    if (sep !== 44) return -1;
    i = skipWs(s, i + 1);
  }
}
