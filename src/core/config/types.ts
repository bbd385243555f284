import type { SeverityOverrides } from '../scope/codes';

/** The resolved configuration shared by the extension, the language server and the CLI. */
export interface CargoCommandSpec {
  /** Label shown to users (`check`, `ntt_roundtrip`, `keccakf`). */
  label: string;
  /** cargo subcommand: `check`, `test`, `run`, `build`, `bench`, `clippy`. */
  command: string;
  /** Package (`-p`); defaults to the configured crate. */
  package?: string;
  /** `--test NAME` target. */
  test?: string;
  /** `--example NAME` target. */
  example?: string;
  /** Extra args after the target (before any `--`). */
  args?: string[];
  /** Environment for the run (e.g. `RUST_LOG`). */
  env?: Record<string, string>;
}

export interface MilestoneScopeConfig {
  /** Repository-relative catalog path (`.md` or `.yaml`/`.yml`). */
  catalog: string;
  status: string;
  /** Tracking file template; `{id}` is replaced by the milestone id. */
  tracking: string;
  /** The backend crate's package name. */
  crate: string;
  /** crate-name glob -> required version requirement. */
  pins: Record<string, string>;
  checks: CargoCommandSpec[];
  profile: CargoCommandSpec;
  /** File globs -> test targets that are milestone-relevant when such files change. */
  relevantTests: Record<string, string[]>;
  /**
   * `scope.severity`: severity per scope finding code, for the CLI and the editor alike (the
   * editor's `milestoneScope.scope.severity` setting is merged over it, code by code).
   */
  scope?: { severity: SeverityOverrides };
  /**
   * `counters`: event fields summed per run in trace summaries besides the `*_count` ones
   * (`kernels`, `syncs`); other numeric fields (`round`, `layer`) are shown as last value or range.
   */
  counters?: string[];
}

export const DEFAULT_CONFIG: MilestoneScopeConfig = {
  catalog: 'docs/metal-backend-optimization-milestones.md',
  status: 'docs/metal-backend-optimization-tracking/STATUS.md',
  tracking: 'docs/metal-backend-optimization-tracking/milestone-{id}.md',
  crate: 'openvm-metal-backend',
  pins: { 'p3-*': '=0.4.1' },
  checks: [
    { label: 'check', command: 'check' },
    { label: 'ntt_roundtrip', command: 'test', test: 'ntt_roundtrip' },
  ],
  profile: { label: 'keccakf', command: 'run', example: 'keccakf' },
  relevantTests: { '**/*ntt*': ['ntt_roundtrip'] },
};

export function trackingPath(config: MilestoneScopeConfig, id: string): string {
  return config.tracking.split('{id}').join(id);
}
