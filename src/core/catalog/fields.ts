/** Field labels a catalog uses inside a work item or a heading-style milestone. */
export type FieldName = 'hotspots' | 'problem' | 'target' | 'workItems' | 'kind';

const LABELS: Array<[RegExp, FieldName]> = [
  [/^(?:current\s+)?hot\s*-?spots?(?:\s*\(s\))?$/i, 'hotspots'],
  [/^(?:code\s+)?(?:references?|locations?)$/i, 'hotspots'],
  [/^problems?$/i, 'problem'],
  [/^(?:targets?|goals?)$/i, 'target'],
  [/^(?:work\s*items?|maps?\s+to|scope)$/i, 'workItems'],
  [/^(?:kind|type)$/i, 'kind'],
];

export function classifyLabel(label: string): FieldName | undefined {
  const l = label.trim().replace(/\s+/g, ' ');
  return LABELS.find(([re]) => re.test(l))?.[1];
}

/**
 * Splits `Label: value` (optionally bold: `**Label:** value`, `**Label**: value`) into parts.
 * Returns undefined when the text does not start with a short label and a colon.
 */
export function splitLabel(text: string): { label: string; value: string } | undefined {
  const m = /^\s*(?:\*\*|__)?([A-Za-z][A-Za-z0-9 ()/-]{0,40}?)(?:\*\*|__)?\s*:(?:\*\*|__)?(?:\s+([\s\S]*)|\s*)$/.exec(text);
  if (!m) return undefined;
  return { label: m[1]!.trim(), value: (m[2] ?? '').trim() };
}

/** Heading/paragraph texts that introduce the milestone-to-work mapping. */
export function isMappingIntro(text: string): boolean {
  const t = text.trim().replace(/:$/, '').trim();
  return /^milestone[s]?[\s-]*(?:to[\s-]*work(?:[\s-]*items?)?[\s-]*)?mapping$/i.test(t) || /^mapping$/i.test(t);
}
