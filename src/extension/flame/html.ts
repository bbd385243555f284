/**
 * The flame chart webview's page: a strict Content-Security-Policy, the bundled script and
 * stylesheet from `media/`, and nothing else. Trace data never appears in the HTML; it arrives by
 * `postMessage` after the webview reports that it is ready (a big chart's arrays by a fetch of a
 * file under the extension's storage, named in a message).
 */
import { randomBytes } from 'node:crypto';

/** A fresh nonce for each page: 128 random bits. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    // A big chart's data is fetched from a file the extension wrote (panel.ts).
    `connect-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function flameHtml(opts: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  const csp = contentSecurityPolicy(opts.cspSource, opts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(opts.styleUri)}">
<title>Flame chart</title>
</head>
<body>
<script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
