/**
 * The extension's settings (package.json `contributes.configuration`), each key written once
 * here with its default and how a value read from the user's settings is checked. No `vscode`
 * import: `settings.ts` reads through it in the editor, unit tests check it against package.json.
 */
import { ownerNameProblem } from '../core/owner';
import { parseSeverityOverrides, type SeverityOverrides } from '../core/scope/codes';
import { DEFAULT_MAX_TRACE_MB } from '../core/trace/limits';
import { CLIENT_ID } from '../server/clientId';

/** A value as read: the value to use, and why the given one was not used (reported once). */
export interface Checked<T> {
  value: T;
  problem?: string;
}

export interface SettingSpec<T> {
  key: string;
  /** The value used when the setting is absent or unusable (the same as package.json's default). */
  defaultValue: T;
  /** What is used instead of an unusable value, for the report; default: the default value. */
  fallback?: string;
  /** Checks a value from the user's settings; `undefined` (not set) gives the default. */
  check(raw: unknown): Checked<T>;
}

/** The line reported for an unusable value: the key, what is wrong, what is used instead. */
export function settingProblemMessage(spec: SettingSpec<unknown>, problem: string): string {
  return `Setting ${spec.key}: ${problem}; ${spec.fallback ?? `using the default ${JSON.stringify(spec.defaultValue)}`} instead.`;
}

function flag(key: string, defaultValue: boolean): SettingSpec<boolean> {
  return {
    key,
    defaultValue,
    check: (raw) =>
      raw === undefined || typeof raw === 'boolean'
        ? { value: raw ?? defaultValue }
        : { value: defaultValue, problem: `${JSON.stringify(raw)} is not true or false` },
  };
}

function oneOf<T extends string>(key: string, values: readonly T[], defaultValue: T): SettingSpec<T> {
  return {
    key,
    defaultValue,
    check: (raw) =>
      raw === undefined
        ? { value: defaultValue }
        : values.includes(raw as T)
          ? { value: raw as T }
          : { value: defaultValue, problem: `${JSON.stringify(raw)} is not one of ${values.join(', ')}` },
  };
}

/** The owner to record, trimmed; undefined (the default) means git's `user.name`, else the login name. */
const owner: SettingSpec<string | undefined> = {
  key: 'milestoneScope.owner',
  defaultValue: undefined,
  fallback: "using git's user.name (else the login name)",
  check(raw) {
    if (raw === undefined || raw === null) return { value: undefined };
    if (typeof raw !== 'string') return { value: undefined, problem: `${JSON.stringify(raw)} is not a name` };
    const name = raw.trim();
    if (!name) return { value: undefined };
    const why = ownerNameProblem(name);
    return why ? { value: undefined, problem: `${JSON.stringify(name)} ${why}` } : { value: name };
  },
};

/** Largest trace read, in MB; 0 means no limit. */
const traceMaxFileSizeMB: SettingSpec<number> = {
  key: 'milestoneScope.trace.maxFileSizeMB',
  defaultValue: DEFAULT_MAX_TRACE_MB,
  check: (raw) =>
    raw === undefined
      ? { value: DEFAULT_MAX_TRACE_MB }
      : typeof raw === 'number' && Number.isFinite(raw) && raw >= 0
        ? { value: raw }
        : { value: DEFAULT_MAX_TRACE_MB, problem: `${JSON.stringify(raw)} is not a size in MB (0 or more; 0 for no limit)` },
};

/** The user's severity per scope code; codes or levels that are not known are left out (and reported). */
const scopeSeverity: SettingSpec<SeverityOverrides> = {
  key: 'milestoneScope.scope.severity',
  defaultValue: {},
  fallback: 'those entries are left out, the others apply',
  check(raw) {
    const { overrides, errors } = parseSeverityOverrides(raw);
    return errors.length ? { value: overrides, problem: errors.join('; ') } : { value: overrides };
  },
};

export const SETTINGS = {
  baselineTree: oneOf('milestoneScope.baseline.tree', ['baseWorktree', 'currentTree'] as const, 'baseWorktree'),
  owner,
  hotspotsEnabled: flag('milestoneScope.hotspots.enabled', true),
  codeLensEnabled: flag('milestoneScope.codeLens.enabled', true),
  spanTimingsEnabled: flag('milestoneScope.spanTimings.enabled', true),
  // The language client's settings live under its id (the client reads `trace.server` itself).
  languageServerEnabled: flag(`${CLIENT_ID}.enabled`, true),
  languageServerTrace: oneOf(`${CLIENT_ID}.trace.server`, ['off', 'messages', 'verbose'] as const, 'off'),
  traceMaxFileSizeMB,
  scopeEnabled: flag('milestoneScope.scope.enabled', true),
  scopeSeverity,
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<K extends SettingName> = (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never;
