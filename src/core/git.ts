/** Small git wrappers (argument arrays, no shell). Each returns undefined when git cannot answer. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  // Loaded lazily: execa is ESM-only, and this module is also loaded by CommonJS test runners.
  const { execa } = await import('execa');
  try {
    const r = await execa('git', args, { cwd, reject: false, stripFinalNewline: true, env: { GIT_TERMINAL_PROMPT: '0' } });
    return r.exitCode === 0 ? r.stdout : undefined;
  } catch {
    return undefined; // git not installed or cwd missing
  }
}

/** The repository's top-level folder containing `cwd`. */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  return (await git(cwd, ['rev-parse', '--show-toplevel']))?.trim() || undefined;
}

/** The full commit id of HEAD (undefined before the first commit). */
export async function gitHead(cwd: string): Promise<string | undefined> {
  return (await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim() || undefined;
}

export async function gitUserName(cwd: string): Promise<string | undefined> {
  return (await git(cwd, ['config', '--get', 'user.name']))?.trim() || undefined;
}

/** A file's content at a revision (`path` relative to the repository root). */
export async function gitShowFile(cwd: string, rev: string, path: string): Promise<string | undefined> {
  return git(cwd, ['show', `${rev}:${path.replace(/\\/g, '/')}`]);
}
