/**
 * Help text: option rows (`  --flag ARG  description`, with deeper-indented continuation lines)
 * are aligned to one description column per block, whatever width each list was written with, so
 * a command's own options and the shared ones read as one table.
 */
const OPTION = /^ {2}(-\S.*?) {2,}(\S.*)$/;
const CONTINUATION = /^ {3,}(\S.*)$/;

export function helpText(lines: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!OPTION.test(lines[i]!)) {
      out.push(lines[i++]!);
      continue;
    }
    const block: Array<{ flag?: string; text: string }> = [];
    for (; i < lines.length; i++) {
      const option = OPTION.exec(lines[i]!);
      const more = option || block.length === 0 ? undefined : CONTINUATION.exec(lines[i]!);
      if (option) block.push({ flag: option[1]!, text: option[2]! });
      else if (more) block.push({ text: more[1]! });
      else break;
    }
    const width = Math.max(...block.map((r) => r.flag?.length ?? 0));
    for (const r of block) out.push(`  ${(r.flag ?? '').padEnd(width)}  ${r.text}`);
  }
  return out.join('\n');
}
