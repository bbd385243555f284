import * as os from 'node:os';
import { gitUserName } from './git';

export { ownerKey, sameOwner } from './statusDoc/statuses';

export interface ResolvedOwner {
  name: string;
  source: 'option' | 'git' | 'login';
}

/** Who is working: the explicit owner, else git's `user.name`, else the login name. */
export async function resolveOwner(root: string, explicit?: string): Promise<ResolvedOwner> {
  if (explicit && explicit.trim()) return { name: explicit.trim(), source: 'option' };
  const fromGit = await gitUserName(root);
  if (fromGit) return { name: fromGit, source: 'git' };
  let login = '';
  try {
    login = os.userInfo().username;
  } catch {
    login = process.env.USER ?? process.env.USERNAME ?? '';
  }
  return { name: login || 'unknown', source: 'login' };
}
