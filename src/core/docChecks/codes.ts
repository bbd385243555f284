/**
 * Stable codes of the milestone-document checks. Editors, the CLI and scripts match on these;
 * never rename one. Parser problems keep their own codes (`catalog/*`, `status/*`, `tracking/*`,
 * `config/*`).
 */
export const DocCheckCode = {
  missingFile: 'ref/missing-file',
  rootRelative: 'ref/root-relative',
  outsideWorkspace: 'ref/outside-workspace',
  unreadable: 'ref/unreadable',
  linePastEnd: 'ref/line-past-end',
  blankLine: 'ref/blank-line',
  commentLine: 'ref/comment-line',
  moved: 'ref/moved',
  changed: 'ref/changed',
  statusTrackingMismatch: 'status/tracking-mismatch',
  unknownMilestone: 'status/unknown-milestone',
} as const;

export type DocCheckCode = (typeof DocCheckCode)[keyof typeof DocCheckCode];

/** One line per code, for documentation and hover text. */
export const DOC_CHECK_DESCRIPTIONS: Record<DocCheckCode, string> = {
  'ref/missing-file': 'The referenced file does not exist (or is a folder).',
  'ref/root-relative':
    "A link in a catalog below the root names no file from the catalog's folder (GitHub's reading) but does from the repository root; that file is used (information).",
  'ref/outside-workspace': 'The path leaves the workspace: absolute, `..` above the root, or a symbolic link pointing outside.',
  'ref/unreadable': 'The file exists but cannot be read as text (binary, too large, no permission).',
  'ref/line-past-end': 'The line (or the end of the range) is past the end of the file.',
  'ref/blank-line': 'The referenced line is blank.',
  'ref/comment-line': 'The referenced line holds only a comment (a `///` doc comment attached to an item is fine).',
  'ref/moved':
    "The referenced code is intact but now at another line than at the catalog's last commit; a quick fix rewrites the reference.",
  'ref/changed': "The referenced line was edited or deleted since the catalog's last commit.",
  'status/tracking-mismatch': "STATUS.md and the milestone's tracking file disagree on its status, owner or start date.",
  'status/unknown-milestone': 'A STATUS.md row or a tracking file names a milestone the catalog does not define.',
};
