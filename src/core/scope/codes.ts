import type { Severity } from '../problems';

/** Stable codes of scope findings; users key severity overrides on them. */
export const SCOPE_CODES = [
  'other-milestone-hotspot',
  'other-milestone-tracking',
  'pin-changed',
  'cross-crate',
  'supporting-change',
  'unsafe-without-safety',
  'other-milestone-entry',
  'milestone-mapping-changed',
  'pin-rule-changed',
  'scope-config-changed',
  'recorded-base-changed',
  'milestone-docs',
] as const;

export type ScopeCode = (typeof SCOPE_CODES)[number];

export const DEFAULT_SEVERITY: Record<ScopeCode, Severity> = {
  'other-milestone-hotspot': 'error',
  'other-milestone-tracking': 'error',
  'pin-changed': 'error',
  'cross-crate': 'warning',
  'supporting-change': 'information',
  'unsafe-without-safety': 'warning',
  'other-milestone-entry': 'error',
  'milestone-mapping-changed': 'error',
  'pin-rule-changed': 'error',
  'scope-config-changed': 'error',
  'recorded-base-changed': 'error',
  'milestone-docs': 'information',
};

/** What each code means, for help texts and documentation. */
export const CODE_DESCRIPTIONS: Record<ScopeCode, string> = {
  'other-milestone-hotspot': "a change inside another milestone's hotspot region (the Rust item around one of its hotspot lines)",
  'other-milestone-tracking': "a change to another milestone's STATUS.md row or tracking file",
  'pin-changed': 'a pinned dependency version changed in a Cargo.toml',
  'cross-crate': "a change outside the milestone's crate",
  'supporting-change': "a change inside the milestone's crate but outside its hotspot files",
  'unsafe-without-safety': 'new or moved `unsafe` code without a `// SAFETY:` comment next to it',
  'other-milestone-entry':
    "a change to another milestone's catalog entry (or a work item mapped to no milestone): its title, hotspot lines, Problem or Target",
  'milestone-mapping-changed': "a change to the catalog's `Milestone N -> work item M` mapping",
  'pin-rule-changed': 'a change to the `pins` rules of the configuration',
  'scope-config-changed':
    'a change to the configured crate or to where the milestone documents are (`crate`, `catalog`, `status`, `tracking`)',
  'recorded-base-changed': 'a change to the base commit recorded for the active milestone (it must stay the commit recorded at Start)',
  'milestone-docs':
    "an edit of the milestone documents or configuration that changes no other milestone's entry, mapping, pin rule, crate or recorded base (the milestone's own catalog entry, shared catalog or STATUS.md text, other configuration keys)",
};

export type SeverityLevel = Severity | 'off';
export type SeverityOverrides = Partial<Record<ScopeCode, SeverityLevel>>;

export function isScopeCode(code: string): code is ScopeCode {
  return (SCOPE_CODES as readonly string[]).includes(code);
}

/** The severity a code has after overrides; undefined when it is switched off. */
export function severityOf(code: ScopeCode, overrides: SeverityOverrides | undefined): Severity | undefined {
  const level = overrides?.[code] ?? DEFAULT_SEVERITY[code];
  return level === 'off' ? undefined : level;
}

/**
 * Reads overrides from untrusted input (settings, CLI flags): unknown codes and levels are
 * returned as messages rather than silently ignored.
 */
export function parseSeverityOverrides(input: unknown): { overrides: SeverityOverrides; errors: string[] } {
  const overrides: SeverityOverrides = {};
  const errors: string[] = [];
  if (input === undefined || input === null) return { overrides, errors };
  if (typeof input !== 'object' || Array.isArray(input)) {
    errors.push('severity overrides must map codes to error, warning, information or off');
    return { overrides, errors };
  }
  for (const [code, level] of Object.entries(input as Record<string, unknown>)) {
    if (!isScopeCode(code)) {
      errors.push(`unknown scope code "${code}" (known: ${SCOPE_CODES.join(', ')})`);
      continue;
    }
    const l = typeof level === 'string' ? level.toLowerCase() : level;
    const norm = l === 'info' ? 'information' : l;
    if (norm === 'error' || norm === 'warning' || norm === 'information' || norm === 'off') overrides[code] = norm;
    else errors.push(`severity of ${code} must be error, warning, information or off (got ${JSON.stringify(level)})`);
  }
  return { overrides, errors };
}

/**
 * The severities in force: the repository's (`scope.severity` in `.milestone-scope.yaml`) with the
 * user's own overrides (the editor setting, `--severity` flags) winning code by code.
 */
export function mergeSeverity(repository: SeverityOverrides | undefined, user: SeverityOverrides | undefined): SeverityOverrides {
  return { ...repository, ...user };
}
