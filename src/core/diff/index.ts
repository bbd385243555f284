/** Diffs, hunks and line mapping shared by the scope guard and hotspot anchors. */
export type { FileDiff, FileChangeKind, Hunk } from './types';
export { displayPath } from './types';
export { mapLine, invertHunks, mapFileLine, indexByOldPath, type LineMapping, type FileLineMapping } from './mapLine';
export { parseGitDiff, DiffParseError } from './parse';
export { diffTexts } from './buffer';
export { GitError, runGit } from '../git/run';
export {
  EMPTY_TREE,
  resolveCommit,
  probeRevision,
  isGitWorkTree,
  lastCommitTouching,
  diffCommits,
  diffWorkingTree,
  addedFileHunks,
  readBlobs,
  blobSpec,
  listFiles,
  type WorkingDiff,
  type WorkingDiffOptions,
} from '../git/diff';
