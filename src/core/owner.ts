import * as os from 'node:os';
import { gitUserName } from './git/repo';
import { InputError } from './problems';

export { ownerKey, sameOwner } from './status/statuses';

export interface ResolvedOwner {
  name: string;
  source: 'option' | 'git' | 'login';
}

/** Longest owner name written into the documents. */
export const MAX_OWNER_LENGTH = 100;

/**
 * Why a name cannot be written as an owner into STATUS.md and a tracking file, or undefined when
 * it can. Line breaks and other control characters would add lines to the documents; a backtick
 * would be taken for code markup and not read back. A `|` is fine: it is escaped in a table cell
 * and read back without the escape.
 */
export function ownerNameProblem(name: string): string | undefined {
  if (/[\p{Cc}\u2028\u2029]/u.test(name)) return 'contains a line break or another control character';
  if (name.includes('`')) return 'contains a backtick';
  if (name.length > MAX_OWNER_LENGTH) return `is longer than ${MAX_OWNER_LENGTH} characters`;
  return undefined;
}

function checked(name: string, source: ResolvedOwner['source']): ResolvedOwner {
  const why = ownerNameProblem(name);
  if (!why) return { name, source };
  const from = source === 'option' ? 'the owner given' : source === 'git' ? "git's user.name" : 'the login name';
  throw new InputError(
    `${from} ${JSON.stringify(name.length > 60 ? name.slice(0, 60) + '…' : name)} ${why}; it cannot be recorded as an owner (give another with --owner)`,
    undefined,
    'input/owner',
  );
}

/** Who is working: the explicit owner, else git's `user.name`, else the login name. Names that cannot be recorded are an InputError. */
export async function resolveOwner(root: string, explicit?: string): Promise<ResolvedOwner> {
  if (explicit && explicit.trim()) return checked(explicit.trim(), 'option');
  const fromGit = await gitUserName(root);
  if (fromGit) return checked(fromGit, 'git');
  let login = '';
  try {
    login = os.userInfo().username;
  } catch {
    login = process.env.USER ?? process.env.USERNAME ?? '';
  }
  return checked(login || 'unknown', 'login');
}
