/** Plain-text tables for human output. */
export function renderTable(headers: string[], rows: string[][], maxWidth?: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Only the last column is shortened to fit the terminal.
  if (maxWidth) {
    const fixed = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
    const last = widths.length - 1;
    widths[last] = Math.max(headers[last]!.length, Math.min(widths[last]!, maxWidth - fixed));
  }
  const fit = (s: string, w: number) => (s.length > w ? s.slice(0, Math.max(0, w - 1)) + '…' : s.padEnd(w));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => fit(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
