/** The cargo, rustc and example processes a test's workspace runs, read from Linux /proc. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';

export interface WorkspaceProcess {
  pid: number;
  /** Parent pid: 1 for an orphan. */
  ppid: number;
  comm: string;
}

/** cargo, rustc and keccakf processes whose working directory is `root` or below it. */
export function workspaceProcesses(root: string): WorkspaceProcess[] {
  const out: WorkspaceProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (!/^(cargo|rustc|keccakf)/.test(comm)) continue;
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd !== root && !cwd.startsWith(root + sep)) continue;
      // Field 4 of /proc/PID/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(entry), ppid, comm });
    } catch {
      // ended while listing, or not ours to read
    }
  }
  return out;
}
