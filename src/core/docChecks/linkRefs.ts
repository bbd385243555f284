/**
 * Links in a catalog below the repository root (`docs/plans/gpu.md`) are read the way GitHub reads
 * them: from the catalog's folder. Many are written from the repository root instead
 * (`[x](crates/a/src/lib.rs#L42)`), which GitHub would follow to `docs/plans/crates/...`. Each such
 * link is settled here against the files that exist, never silently:
 *
 * - the file-relative file exists: used as is;
 * - only the root-relative file exists: used, with an information note saying so;
 * - neither exists: an error at the reference, and the hotspot is not used.
 */
import type { Catalog, HotspotRef } from '../catalog/model';
import { problem, type Problem } from '../problems';
import { DocCheckCode } from './codes';
import { formatRef } from './references';

/** Whether a repository-relative path names something that exists (a file, or a path the checks will judge). */
export type Exists = (rel: string) => boolean;

export function resolveLinkRefs(catalog: Catalog, exists: Exists): Catalog {
  const notes: Problem[] = [];
  let changed = false;
  const workItems = catalog.workItems.map((item) => {
    if (!item.hotspots.some((h) => h.rootPath !== undefined)) return item;
    changed = true;
    const hotspots: HotspotRef[] = [];
    for (const ref of item.hotspots) {
      const { rootPath, ...rest } = ref;
      if (rootPath === undefined || exists(ref.path)) {
        hotspots.push(rest);
        continue;
      }
      const s = ref.source;
      const at = { file: s.file, line: s.line, column: s.column, endColumn: s.endColumn };
      if (exists(rootPath)) {
        hotspots.push({ ...rest, path: rootPath });
        notes.push(
          problem(
            'information',
            DocCheckCode.rootRelative,
            `${formatRef(rootPath, ref.line, ref.endLine)}: link read from the repository root, since ${ref.path} (the link read from the catalog's folder, as GitHub does) does not exist; write it as /${rootPath} to say so`,
            at,
          ),
        );
      } else {
        notes.push(
          problem(
            'error',
            DocCheckCode.missingFile,
            `hotspot reference not used: neither ${ref.path} (the link read from the catalog's folder) nor ${rootPath} (read from the repository root) exists`,
            at,
          ),
        );
      }
    }
    return { ...item, hotspots };
  });
  if (!changed) return catalog;
  const problems = [...catalog.problems, ...notes].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  return { ...catalog, workItems, problems };
}
