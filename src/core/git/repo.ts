/** Questions about the repository around a folder; each answers undefined when git cannot. */
import { gitAnswer, GitError, runGit } from './run';

/** The repository's top-level folder containing `cwd`. */
export function gitTopLevel(cwd: string): Promise<string | undefined> {
  return gitAnswer(cwd, ['rev-parse', '--show-toplevel']);
}

/** The full commit id of HEAD (undefined before the first commit). */
export function gitHead(cwd: string): Promise<string | undefined> {
  return gitAnswer(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
}

export function gitUserName(cwd: string): Promise<string | undefined> {
  return gitAnswer(cwd, ['config', '--get', 'user.name']);
}

/** A file's content at a revision, as stored (`path` relative to the repository root). */
export async function gitShowFile(cwd: string, rev: string, path: string): Promise<string | undefined> {
  try {
    return (await runGit(cwd, ['show', `${rev}:${path.replace(/\\/g, '/')}`])).stdout;
  } catch (err) {
    if (err instanceof GitError) return undefined;
    throw err;
  }
}
