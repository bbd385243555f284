/** The four states of a milestone. */
export type MilestoneStatus = 'not_started' | 'in_progress' | 'blocked' | 'completed';

export const STATUSES: readonly MilestoneStatus[] = ['not_started', 'in_progress', 'blocked', 'completed'];

const SYNONYMS: Record<string, MilestoneStatus> = {};
const add = (status: MilestoneStatus, words: string[]) => words.forEach((w) => (SYNONYMS[w] = status));
add('completed', ['completed', 'complete', 'done', 'finished', 'closed', 'merged', 'shipped', 'landed', 'ok']);
add('in_progress', [
  'in_progress',
  'inprogress',
  'wip',
  'started',
  'active',
  'ongoing',
  'doing',
  'working',
  'in_review',
  'review',
  'underway',
  'in_flight',
]);
add('blocked', ['blocked', 'on_hold', 'hold', 'paused', 'waiting', 'stalled', 'parked']);
add('not_started', [
  'not_started',
  'notstarted',
  'not_yet_started',
  'todo',
  'to_do',
  'pending',
  'planned',
  'open',
  'new',
  'backlog',
  'queued',
  'none',
  'available',
  'unstarted',
]);

/** Status words without markup: backticks, emphasis, emoji, brackets. */
export function stripMarkup(raw: string): string {
  return raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_~]{1,3}([^`*~]+?)[`*_~]{1,3}/g, '$1')
    .replace(/^[`*~\s]+|[`*~\s]+$/g, '')
    .trim();
}

/**
 * Normalises the status text people write (`in_progress`, `In Progress`, `` `done` ``, `WIP`,
 * `✅ Done`) to one of the four states. Empty text and dashes mean not started; anything else
 * unknown gives undefined, for the caller to report.
 */
export function normaliseStatus(raw: string): MilestoneStatus | undefined {
  const text = stripMarkup(raw).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (text === '' || /^(n\/?a|-+|—|–)$/i.test(text)) return 'not_started';
  if (/^[✅✔☑]/u.test(stripMarkup(raw))) return 'completed';
  const key = text.toLowerCase().replace(/[\s-]+/g, '_');
  return SYNONYMS[key];
}

/** How a document writes statuses, so new cells match the others. */
export interface StatusStyle {
  backticks: boolean;
  form: 'snake' | 'kebab' | 'lower' | 'title' | 'sentence' | 'upper-snake';
  /** Exact texts already used for a status, reused verbatim. */
  used: Partial<Record<MilestoneStatus, string>>;
}

export function detectStatusStyle(raws: readonly string[]): StatusStyle {
  const written = raws.map((r) => r.trim()).filter((r) => r !== '' && normaliseStatus(r) !== undefined && !/^[-—–]+$/.test(r));
  const backticks = written.filter((r) => r.startsWith('`')).length * 2 > written.length;
  const used: StatusStyle['used'] = {};
  for (const r of written) used[normaliseStatus(r)!] ??= r;
  const multi = written.map(stripMarkup).find((w) => /[\s_-]/.test(w));
  let form: StatusStyle['form'] = 'snake';
  if (multi) {
    if (multi.includes('_')) form = multi === multi.toUpperCase() ? 'upper-snake' : 'snake';
    else if (multi.includes('-')) form = 'kebab';
    else if (multi === multi.toLowerCase()) form = 'lower';
    else if (multi.split(/\s+/).every((w) => /^[A-Z]/.test(w))) form = 'title';
    else form = 'sentence';
  } else if (written.length > 0 && written.map(stripMarkup).every((w) => /^[A-Z]/.test(w))) form = 'sentence';
  return { backticks: written.length === 0 ? true : backticks, form, used };
}

/** Writes a status the way the document does. */
export function formatStatus(status: MilestoneStatus, style: StatusStyle): string {
  const reuse = style.used[status];
  if (reuse) return reuse;
  const words = status.split('_');
  let text: string;
  switch (style.form) {
    case 'snake':
      text = words.join('_');
      break;
    case 'upper-snake':
      text = words.join('_').toUpperCase();
      break;
    case 'kebab':
      text = words.join('-');
      break;
    case 'lower':
      text = words.join(' ');
      break;
    case 'title':
      text = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
      break;
    case 'sentence':
      text = words.join(' ');
      text = text[0]!.toUpperCase() + text.slice(1);
      break;
  }
  return style.backticks ? '`' + text + '`' : text;
}

/** Owner as written, without markup; undefined for empty or placeholder cells. */
export function cleanOwner(raw: string): string | undefined {
  const t = stripMarkup(raw);
  if (t === '' || /^(-+|—|–|n\/?a|none|nobody|unassigned|tbd|\?)$/i.test(t)) return undefined;
  return t;
}

/** The owner comparison the workflow uses: no case, no leading `@`, no surrounding space. */
export function ownerKey(owner: string): string {
  return owner.trim().replace(/^@+/, '').trim().toLowerCase();
}

export function sameOwner(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && ownerKey(a) !== '' && ownerKey(a) === ownerKey(b);
}

const DATE = /\b(\d{4}-\d{2}-\d{2})\b/;

/** A date as written: the first ISO date in the text, else the text; undefined for placeholders. */
export function cleanDate(raw: string): string | undefined {
  const t = stripMarkup(raw);
  if (t === '' || /^(-+|—|–|n\/?a|tbd)$/i.test(t)) return undefined;
  return DATE.exec(t)?.[1] ?? t;
}

/** `YYYY-MM-DD` of a date in local time. */
export function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
