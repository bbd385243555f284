/**
 * Runs the flame chart webview app outside VS Code: a small local server for the bundled app, a
 * page that stands in for the webview host (the same messages VS Code would deliver, theme
 * variables of VS Code's default themes), the speedscope app, and the files both load.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FlameDocument, FlameView } from '../../src/core/flame/data';

export const REPO = path.join(__dirname, '..', '..');
const MEDIA = path.join(REPO, 'media');
const SPEEDSCOPE = path.join(REPO, 'node_modules', 'speedscope', 'dist', 'release');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * A document as a JSON header plus one binary body holding every typed array (also those nested
 * in a view's layout); the header names each array's type, offset and length.
 */
export function encodeDocument(doc: FlameDocument): { header: string; body: Buffer } {
  const parts: Buffer[] = [];
  let offset = 0;
  const encode = (obj: object): Record<string, unknown> => {
    const arrays: Record<string, { type: string; offset: number; length: number }> = {};
    const plain: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (ArrayBuffer.isView(value)) {
        const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        const pad = (8 - (offset % 8)) % 8;
        if (pad) parts.push(Buffer.alloc(pad));
        offset += pad;
        arrays[key] = { type: value.constructor.name, offset, length: (value as unknown as ArrayLike<number>).length };
        parts.push(bytes);
        offset += bytes.length;
      } else if (key === 'layout' && value && typeof value === 'object') {
        plain[key] = encode(value);
      } else plain[key] = value;
    }
    return { ...plain, arrays };
  };
  const views: Record<string, unknown> = {};
  for (const [kind, view] of Object.entries(doc.views) as Array<[string, FlameView]>) views[kind] = encode(view);
  return { header: JSON.stringify({ ...doc, views }), body: Buffer.concat(parts) };
}

const HARNESS_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'">
<link rel="stylesheet" href="/media/flame.css">
<title>Flame chart harness</title>
</head>
<body>
<script src="/harness.js"></script>
<script src="/media/flame.js"></script>
</body>
</html>
`;

export interface Harness {
  url: string;
  /** Serves the document at /doc.json + /doc.bin. */
  setDocument(doc: FlameDocument): void;
  /** Serves a file from disk at /files/<name>. */
  addFile(name: string, file: string): void;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  let encoded: { header: string; body: Buffer } | undefined;
  const files = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const sendFile = (file: string) => {
      if (!existsSync(file) || !statSync(file).isFile()) return send(404, 'text/plain', 'not found');
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    };
    const p = decodeURIComponent(url.pathname);
    if (p === '/harness.html') return send(200, TYPES['.html'], HARNESS_HTML);
    if (p === '/harness.js') return send(200, TYPES['.js'], readFileSync(path.join(__dirname, 'harness.js'), 'utf8'));
    if (p === '/doc.json' && encoded) return send(200, TYPES['.json'], encoded.header);
    if (p === '/doc.bin' && encoded) return send(200, 'application/octet-stream', encoded.body);
    const under = (prefix: string, dir: string) => {
      const rel = path.normalize(p.slice(prefix.length));
      return rel.startsWith('..') ? undefined : path.join(dir, rel);
    };
    if (p.startsWith('/media/')) return sendFile(under('/media/', MEDIA) ?? '');
    if (p.startsWith('/speedscope/')) return sendFile(under('/speedscope/', SPEEDSCOPE) ?? '');
    if (p.startsWith('/files/') && files.has(p.slice(7))) return sendFile(files.get(p.slice(7))!);
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setDocument(doc) {
      encoded = encodeDocument(doc);
    },
    addFile(name, file) {
      files.set(name, file);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Chromium flags that work headless on this kind of machine (see docs/flame-chart.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Software WebGL, which speedscope needs. */
export const WEBGL_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error('No Chromium found: install Debian\'s `chromium` (apt-get install chromium) or set CHROMIUM_PATH.');
  return found;
}

/**
 * `promise`, or a rejection after `ms`; the timer is cleared either way, so a benchmark's process
 * ends as soon as its work is done (an uncleared timer would keep it alive for the whole timeout).
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
