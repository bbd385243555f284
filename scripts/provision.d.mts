export declare const NODE_PACKAGE: string;
export declare const NODE_RANGE: string;
export declare const CODE_SERVER_VERSION: string;
export declare const BUILD_PACKAGES: string[];
export declare const BROWSER_PACKAGES: string[];

export interface ToolPaths {
  root: string;
  toolsDir: string;
  nodeDir: string;
  /** Node 24's binary. */
  node: string;
  codeServerDir: string;
  /** code-server's command line entry (run it with `node`). */
  codeServerEntry: string;
  /** The VS Code build bundled with code-server. */
  vscodeDir: string;
  /** The VS Code server's entry, which accepts `--enable-smoke-test-driver`. */
  vscodeServerMain: string;
  chromium: string;
  stamp: string;
}

export declare function toolPaths(root?: string): ToolPaths;
export declare function node24Env(paths?: ToolPaths): { PATH: string; npm_config_nodedir: string };
export declare function provision(options?: {
  browser?: boolean;
  force?: boolean;
  log?: (line: string) => void;
}): Promise<ToolPaths>;

export declare class ProvisionError extends Error {}
/** The packages of `wanted` that are not installed; undefined when dpkg is not available. */
export declare function missingDebianPackages(wanted: string[]): Promise<string[] | undefined>;
export declare function ensureDebianPackages(wanted: string[], log: (line: string) => void, options?: { isRoot?: boolean }): Promise<void>;
export declare function withLock(lockPath: string, log: (line: string) => void, fn: () => Promise<void>): Promise<void>;
