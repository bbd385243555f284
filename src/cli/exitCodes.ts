/** Exit codes shared by every subcommand. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  noop: 3,
  conflict: 4,
  blocked: 5,
  scopeViolations: 6,
  /** `run`: a validation command ran and failed (or could not start). */
  validationFailed: 7,
} as const;

import type { Decision } from '../core/preflight';

export function exitForDecision(d: Decision): number {
  switch (d) {
    case 'ready':
    case 'resume':
      return EXIT.ok;
    case 'noop':
      return EXIT.noop;
    case 'conflict':
      return EXIT.conflict;
    case 'blocked':
      return EXIT.blocked;
  }
}
