import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, flameHtml, makeNonce } from '../../../src/extension/flame/html';

const WEBVIEW = join(__dirname, '..', '..', '..', 'src', 'webview', 'flame');

test('the webview app never turns strings into markup', () => {
  // Trace text (span names, fields, paths) reaches the DOM only through text nodes and attributes.
  const sinks = /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(/;
  const files = readdirSync(WEBVIEW).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const text = readFileSync(join(WEBVIEW, f), 'utf8');
    const hit = sinks.exec(text);
    assert.equal(hit, null, `${f} uses ${hit?.[0]}`);
  }
});

test('the page has a strict CSP with a fresh nonce and only the bundled script and stylesheet', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(makeNonce(), nonce);
  const html = flameHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce,
    scriptUri: 'https://x.vscode-cdn.net/ext/media/flame.js',
    styleUri: 'https://x.vscode-cdn.net/ext/media/flame.css',
  });
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
  assert.ok(csp.startsWith("default-src 'none'"));
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  assert.ok(html.includes(`content="${csp.replace(/'/g, "'")}"`));
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0][1].includes(`nonce="${nonce}"`));
  assert.equal(scripts[0][2].trim(), '', 'no inline script: data arrives by postMessage');
  assert.ok(!/<style/.test(html) && !/ style=/.test(html), 'no inline styles');
});

test('URIs and nonce are escaped into attributes', () => {
  const html = flameHtml({ cspSource: 'a', nonce: 'n"><script>', scriptUri: 'x"onload="alert(1)', styleUri: 's<' });
  assert.ok(!html.includes('"onload="'));
  assert.ok(!html.includes('n"><script>'));
  assert.ok(html.includes('x&quot;onload=&quot;alert(1)'));
});
