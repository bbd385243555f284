// UI test library: a real VS Code workbench (code-server's bundled VS Code server) in headless
// Debian chromium, driven with playwright-core. Each workbench gets a fresh temporary git copy
// of a fixture, its own user data folder and a free port, so tests can run side by side.
// Every wait is for an explicit condition with a timeout.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { provision } from '../../scripts/provision.mjs';
import {
  DEFAULT_FIXTURE,
  copyFixture,
  installVsix as installVsixInto,
  makeTempDir,
  packageVsix,
  removeTempDir,
  repoRoot,
  startCodeServer,
  startVsCodeServer,
  workbenchUrl,
  writeUserSettings,
  type ServerHandle,
} from '../../scripts/workbench.mjs';

export { repoRoot };
/** Where screenshots and logs go: $MILESTONE_SCOPE_RESULTS_DIR or test-results/. */
export const resultsRoot = process.env.MILESTONE_SCOPE_RESULTS_DIR ?? join(repoRoot, 'test-results');
/** Runs the tests against another build of the extension (a folder with package.json and dist/). */
export const EXTENSION_PATH_ENV = 'MILESTONE_SCOPE_EXTENSION_PATH';

/** The extension folder tests load: $MILESTONE_SCOPE_EXTENSION_PATH or this repository. */
export function extensionPath(): string {
  return process.env[EXTENSION_PATH_ENV] ?? repoRoot;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The chromium the test runner shares between test files (a Playwright browser server's endpoint). */
export const BROWSER_ENDPOINT_ENV = 'MILESTONE_SCOPE_BROWSER_WS';

/**
 * Headless Debian chromium (playwright's own browser download is not used). Under
 * scripts/run-e2e-tests.mjs this is a connection to the run's one browser: closing it closes this
 * connection's contexts (pages, storage, cache) and leaves the browser to the next test. A test
 * file run on its own launches its own.
 */
export async function launchBrowser(): Promise<Browser> {
  const endpoint = process.env[BROWSER_ENDPOINT_ENV];
  if (endpoint) {
    try {
      return await chromium.connect(endpoint, { timeout: 60_000 });
    } catch (err) {
      console.error(`# could not connect to the shared browser (${err instanceof Error ? err.message : String(err)}); launching one`);
    }
  }
  const paths = await provision({ log: () => undefined });
  return chromium.launch({ executablePath: paths.chromium, args: CHROMIUM_ARGS });
}

/**
 * Resolves with the condition's first truthy value, checking every 100 ms; rejects after
 * `timeoutMs` naming `description` and the last error the condition threw.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  timeoutMs: number,
  description: string,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface WorkbenchOptions {
  /** Folder name under test-results/ for screenshots and logs; defaults to the test file's name. */
  name?: string;
  /** A fixture under test/fixtures/ or a path (default `stark-backend-metal`). */
  fixture?: string;
  /** User settings on top of the defaults (trusted workspace, no welcome page, no telemetry). */
  settings?: Record<string, unknown>;
  /** Color theme (the `workbench.colorTheme` value, e.g. `Default Dark Modern`); startWorkbench waits until it is applied. */
  theme?: string;
  /**
   * Install a packaged extension into code-server, as `npm run demo` does: `true` packages the
   * current build (of `extensionPath()`) into a temporary .vsix; a string is a .vsix to install.
   */
  installVsix?: boolean | string;
  /** Load the extension from this folder as an extension under development (default: `extensionPath()`). */
  devPath?: string;
  viewport?: { width: number; height: number };
  /** Extra environment for the server, and so for the extension host and the cargo runs it starts (not with installVsix). */
  env?: Record<string, string>;
}

export interface ProblemRow {
  /** The file the marker belongs to (its label in the Problems tree). */
  file: string;
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  /** 1-based line, when shown. */
  line?: number;
  /** The row's full accessible label, as VS Code announces it. */
  label: string;
}

export interface RunningExtension {
  /** The name shown (display name, or publisher.name for an extension under development). */
  name: string;
  /** The row's accessible label (the extension's name). */
  label: string;
  /** E.g. `Startup Activation: 48ms`; empty when the extension has not been activated. */
  activation: string;
}

export interface Workbench {
  page: Page;
  browser: Browser;
  /** The URL the page was opened with. */
  url: string;
  /** Temporary git copy of the fixture, opened as the workspace folder. */
  workspaceDir: string;
  /** This workbench's own user data folder (settings in User/settings.json). */
  userDataDir: string;
  /** test-results/<name>/: screenshots, server log. */
  resultsDir: string;
  server: ServerHandle;
  /** Saves a full-window screenshot as test-results/<name>/<NN>-<label>.png and returns its path. */
  screenshot(label: string): Promise<string>;
  /** Runs a command by its palette title (e.g. `Milestone Scope: Show Milestone`). */
  runCommand(title: string, options?: { timeoutMs?: number }): Promise<void>;
  /** The titles the command palette lists for `query`. */
  paletteCommands(query: string, options?: { timeoutMs?: number }): Promise<string[]>;
  /** The labels of the quick pick a command opened, once it shows rows. */
  quickPickItems(options?: { timeoutMs?: number }): Promise<string[]>;
  /** Chooses the first row of the open quick pick whose label (trimmed) contains the string or matches the RegExp. */
  pickQuickItem(label: string | RegExp, options?: { timeoutMs?: number }): Promise<void>;
  /** Reads Developer: Show Running Extensions: every extension the extension host runs. */
  runningExtensions(options?: { keepOpen?: boolean }): Promise<RunningExtension[]>;
  /** Opens a workspace file in the editor through Quick Open, optionally at a 1-based line. */
  openFile(relPath: string, line?: number): Promise<void>;
  /** The lines of the active editor that are rendered (in view), top to bottom. */
  editorText(): Promise<string>;
  /** Opens the Problems panel and reads its rows (the ones rendered, i.e. scrolled into view). */
  problems(): Promise<ProblemRow[]>;
  /** The text of each status bar item, left to right. */
  statusBarText(): Promise<string[]>;
  /** Developer: Reload Window, then waits until the workbench is back with the folder open. */
  reloadWindow(): Promise<void>;
  /** The messages of the notification toasts currently shown. */
  notifications(): Promise<string[]>;
  /** The modal dialogs shown (message and detail), e.g. "Command '…' resulted in an error". */
  dialogs(): Promise<string[]>;
  /**
   * The content frame of a webview: the first whose document matches `selector` (any webview
   * when omitted), waiting up to `timeoutMs` for one to appear.
   */
  webviewFrame(options?: { selector?: string; timeoutMs?: number }): Promise<FrameLocator>;
  /** A workspace file's content on disk. */
  readFile(relPath: string): string;
  /** Takes a last screenshot (`NN-at-close.png`), closes the browser and the server, removes the temporary folders. */
  close(): Promise<void>;
}

/**
 * Appends one line of phase timings (seconds) to test-results/timings.jsonl: where a workbench's
 * time goes (fixture copy, packaging, server start, browser, workbench load, the test itself, close).
 */
export function recordTimings(name: string, phases: Record<string, number>): void {
  try {
    mkdirSync(resultsRoot, { recursive: true });
    const rounded = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v / 100) / 10]));
    appendFileSync(join(resultsRoot, 'timings.jsonl'), JSON.stringify({ name, ...rounded }) + '\n');
  } catch {
    /* timings are informative only */
  }
}

/** Measures phases: `lap(phase)` charges the time since the previous lap to `phase`. */
export function stopwatch(): { lap(phase: string): void; phases: Record<string, number> } {
  let last = Date.now();
  const phases: Record<string, number> = {};
  return {
    phases,
    lap(phase) {
      const now = Date.now();
      phases[phase] = (phases[phase] ?? 0) + (now - last);
      last = now;
    },
  };
}

const usedNames = new Map<string, number>();

function defaultName(): string {
  // The test file that called startWorkbench.
  const frame = new Error().stack?.split('\n').find((l) => /\.e2e\.ts/.test(l));
  const match = frame && /([^/\\(]+)\.e2e\.ts/.exec(frame);
  return match ? match[1] : 'workbench';
}

function uniqueName(name: string): string {
  const n = (usedNames.get(name) ?? 0) + 1;
  usedNames.set(name, n);
  return n === 1 ? name : `${name}-${n}`;
}

/** Where this run keeps what its test files share: $MILESTONE_SCOPE_RUN_CACHE (set by the runner), else a folder of this process. */
let processCache: string | undefined;
function runCache(): string {
  const shared = process.env.MILESTONE_SCOPE_RUN_CACHE;
  if (shared) return shared;
  if (!processCache) {
    const dir = makeTempDir('cache');
    process.on('exit', () => removeTempDir(dir));
    processCache = dir;
  }
  return processCache;
}

/**
 * An extensions folder with the current build of `extensionPath()` packaged and installed, made
 * once per run (test files run one at a time) and reused by every `installVsix: true` workbench:
 * the package is the same for all of them, and packaging and installing take seconds each.
 */
async function installedBuild(paths: Awaited<ReturnType<typeof provision>>): Promise<string> {
  const dir = join(runCache(), `vsix-${createHash('sha256').update(extensionPath()).digest('hex').slice(0, 12)}`);
  const extensionsDir = join(dir, 'extensions');
  const ready = join(dir, 'ready');
  if (existsSync(ready)) return extensionsDir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const vsix = await packageVsix(join(dir, 'milestone-scope.vsix'), extensionPath());
  await installVsixInto(vsix, { userDataDir: join(dir, 'user-data'), extensionsDir, paths });
  writeFileSync(ready, '');
  return extensionsDir;
}

/** Opens a fresh workbench on a fresh copy of the fixture. Always `close()` it (use try/finally or t.after). */
export async function startWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const name = uniqueName(options.name ?? defaultName());
  const resultsDir = join(resultsRoot, name.replace(/[^A-Za-z0-9_.-]+/g, '-'));
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  const watch = stopwatch();
  const paths = await provision({ log: (line) => console.error(line) });
  const tmp = makeTempDir(name);
  let server: ServerHandle | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  // Whatever fails on the way, nothing is left running or on disk (but a screenshot, if a page opened).
  try {
    const workspaceDir = await copyFixture(options.fixture ?? DEFAULT_FIXTURE, tmp);
    watch.lap('fixture');
    const userDataDir = join(tmp, 'user-data');
    const extensionsDir = join(tmp, 'extensions');
    writeUserSettings(userDataDir, { ...(options.theme ? { 'workbench.colorTheme': options.theme } : {}), ...options.settings });

    let url: string;
    if (options.installVsix) {
      let installedDir = extensionsDir;
      if (options.installVsix === true) {
        installedDir = await installedBuild(paths);
      } else {
        const vsix = options.installVsix;
        if (!existsSync(vsix)) throw new Error(`${vsix} does not exist`);
        await installVsixInto(vsix, { userDataDir, extensionsDir, paths });
      }
      watch.lap('vsix');
      server = await startCodeServer({ folder: workspaceDir, userDataDir, extensionsDir: installedDir, logFile: join(resultsDir, 'server.log'), paths });
      url = workbenchUrl(server, workspaceDir);
    } else {
      const devPath = options.devPath ?? extensionPath();
      server = await startVsCodeServer({
        serverDataDir: join(tmp, 'server-data'),
        userDataDir,
        extensionsDir,
        logFile: join(resultsDir, 'server.log'),
        paths,
        env: options.env,
      });
      url = workbenchUrl(server, workspaceDir, { extensionDevelopmentPath: devPath });
    }

    watch.lap('server');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    watch.lap('browser');
    // A loaded machine can take long to serve the workbench: wait for it rather than fail.
    await page.goto(url, { timeout: 180_000 });
    await waitForWorkbench(page, basename(workspaceDir), options.theme);
    watch.lap('workbench');
    return makeHandle({ page, browser, url, workspaceDir, userDataDir, resultsDir, server, tmp, theme: options.theme, name, watch });
  } catch (err) {
    await page?.screenshot({ path: join(resultsDir, 'startup-failed.png') }).catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
    throw err;
  }
}

/**
 * One workbench for the tests of a file that do not interfere with each other: it is started
 * before the file's first test and closed after its last (node:test hooks), which saves a
 * workbench start (the largest fixed cost of a UI test) per further test. After each test the
 * editors are closed and the notifications cleared; the workspace copy is the same for all, so
 * a test must leave it as it found it (or come last). Returns a getter for the handle.
 */
export function sharedWorkbench(options: WorkbenchOptions = {}): () => Workbench {
  let wb: Workbench | undefined;
  const name = options.name ?? defaultName();
  before(async () => {
    wb = await startWorkbench({ ...options, name });
  }, { timeout: 420_000 });
  afterEach(async () => {
    if (!wb) return;
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('View: Close All Editors').catch(() => undefined);
    await wb.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }, { timeout: 120_000 });
  after(async () => {
    await wb?.close();
  }, { timeout: 120_000 });
  return () => {
    if (!wb) throw new Error('the shared workbench did not start');
    return wb;
  };
}

/**
 * The workbench has rendered, the folder is open in the Explorer, and the extensions' contributions
 * are loaded: the color theme comes from a built-in extension, so its class on the workbench shows
 * that the extension registry has been processed (before that, the palette lacks extension commands).
 */
const WORKBENCH_LOAD_MS = 180_000;

async function waitForWorkbench(page: Page, folderName: string, theme?: string): Promise<void> {
  // Generous: a workbench load took 90 s on the 2-core machine with a load average of 30.
  await page.locator('.monaco-workbench').waitFor({ timeout: WORKBENCH_LOAD_MS });
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ timeout: WORKBENCH_LOAD_MS })
    .catch(() => {
      throw new Error('the Explorer never showed the workspace folder');
    });
  await waitFor(
    async () => (await page.title()).includes(folderName),
    30_000,
    `the window title to name the folder ${folderName}`,
  );
  const kind = theme === undefined ? undefined : /high contrast/i.test(theme) ? /\bhc-(black|light)\b/ : /dark/i.test(theme) ? /\bvs-dark\b/ : /\bvs\b/;
  await waitFor(
    async () => {
      const cls = (await page.locator('.monaco-workbench').getAttribute('class')) ?? '';
      return /\bvscode-theme-/.test(cls) && (!kind || kind.test(cls));
    },
    WORKBENCH_LOAD_MS,
    theme ? `the ${theme} theme to be applied` : 'the extensions\' contributions (the color theme) to load',
  );
}

interface HandleParts {
  page: Page;
  browser: Browser;
  url: string;
  workspaceDir: string;
  userDataDir: string;
  resultsDir: string;
  server: ServerHandle;
  tmp: string;
  theme?: string;
  name: string;
  watch: ReturnType<typeof stopwatch>;
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROW = `${QUICK_INPUT} .monaco-list-row`;

function makeHandle(parts: HandleParts): Workbench {
  const { page } = parts;
  let shot = 0;
  let closed = false;

  async function openQuickInput(text: string): Promise<void> {
    const widget = page.locator(QUICK_INPUT);
    if (await widget.isVisible()) await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5_000 });
    await page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator(QUICK_INPUT_BOX).fill(text);
  }

  /** Opens the palette with `text` and returns the labels it lists (or [] for "no matching"). */
  async function paletteLabels(text: string, timeoutMs = 10_000): Promise<string[]> {
    await openQuickInput(text);
    await waitFor(
      async () =>
        (await page.locator(QUICK_INPUT_ROW).count()) > 0 ||
        (await page.locator(`${QUICK_INPUT} .quick-input-message`).filter({ hasText: /no matching/i }).count()) > 0 ||
        (await page.locator(QUICK_INPUT).innerText()).match(/no matching/i),
      timeoutMs,
      `the palette to answer "${text}"`,
    );
    const labels = await page.locator(`${QUICK_INPUT_ROW} .label-name`).allTextContents();
    return labels.map((l) => l.trim()).filter((l) => !/^no matching/i.test(l));
  }

  async function closeQuickInput(): Promise<void> {
    const widget = page.locator(QUICK_INPUT);
    if (await widget.isVisible()) await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** What the workbench is telling the user, for error messages. */
  async function shownMessages(): Promise<string> {
    const shown = [...(await handle.dialogs()), ...(await handle.notifications())];
    return shown.length > 0 ? ` (shown: ${shown.join(' | ')})` : ' (no dialog or notification shown)';
  }

  const handle: Workbench = {
    ...parts,

    async screenshot(label) {
      shot++;
      const file = join(parts.resultsDir, `${String(shot).padStart(2, '0')}-${label.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
      await page.screenshot({ path: file });
      return file;
    },

    async runCommand(title, options = {}) {
      const exact = new RegExp(`^${escapeRegExp(title)}$`);
      let seen: string[] = [];
      // The palette lists what is registered when it opens; an extension that is still loading
      // shows up on a later attempt.
      await waitFor(
        async () => {
          seen = await paletteLabels(`>${title}`);
          if (seen.some((l) => exact.test(l))) return true;
          await closeQuickInput();
          return false;
        },
        options.timeoutMs ?? 20_000,
        `command "${title}" in the palette`,
      ).catch(() => {
        throw new Error(`command "${title}" is not in the palette (it lists: ${seen.join(' | ') || 'nothing'})`);
      });
      await page.locator(QUICK_INPUT_ROW).filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click();
      // The palette closes, or the command reuses the widget for its own quick pick.
      // (A command that reloads the window takes the widget away altogether.)
      await waitFor(
        async () => {
          if (!(await page.locator(QUICK_INPUT).isVisible().catch(() => false))) return true;
          const value = await page.locator(QUICK_INPUT_BOX).inputValue({ timeout: 1_000 }).catch(() => '');
          return !value.startsWith('>');
        },
        10_000,
        `the palette to close after running "${title}"`,
      );
    },

    async paletteCommands(query, options = {}) {
      const labels = await paletteLabels(`>${query}`, options.timeoutMs);
      await closeQuickInput();
      return labels;
    },

    async quickPickItems(options = {}) {
      // A modal dialog (e.g. "Command '…' resulted in an error") means no quick pick is coming.
      const opened = await waitFor(
        async () => ((await page.locator(QUICK_INPUT).isVisible()) ? 'quick pick' : (await page.locator('.monaco-dialog-box').count()) > 0 ? 'dialog' : undefined),
        options.timeoutMs ?? 15_000,
        'a quick pick',
      ).catch(() => 'nothing');
      if (opened !== 'quick pick') throw new Error(`no quick pick opened${await shownMessages()}`);
      await page.locator(QUICK_INPUT_ROW).first().waitFor({ timeout: options.timeoutMs ?? 15_000 });
      return (await page.locator(`${QUICK_INPUT_ROW} .label-name`).allTextContents()).map((l) => l.trim());
    },

    async pickQuickItem(label, options = {}) {
      const matches = (text: string) => (typeof label === 'string' ? text.includes(label) : label.test(text));
      let rows: Array<{ index: string; label: string }> = [];
      const index = await waitFor(
        async () => {
          rows = await page.locator(QUICK_INPUT_ROW).evaluateAll((els) =>
            els.map((el) => ({ index: el.getAttribute('data-index') ?? '', label: (el.querySelector('.label-name')?.textContent ?? '').trim() })),
          );
          return rows.find((r) => matches(r.label))?.index;
        },
        options.timeoutMs ?? 15_000,
        `a quick pick row matching ${String(label)}`,
      ).catch(() => {
        throw new Error(`the quick pick has no row matching ${String(label)} (it lists: ${rows.map((r) => r.label).join(' | ') || 'nothing'})`);
      });
      await page.locator(`${QUICK_INPUT_ROW}[data-index="${index}"]`).click();
    },

    async runningExtensions(options = {}) {
      await handle.runCommand('Developer: Show Running Extensions');
      const list = page.locator('.runtime-extensions-editor .monaco-list');
      await list.locator('.monaco-list-row').first().waitFor({ timeout: 15_000 });
      await list.locator('.monaco-list-row').first().click();
      // The list is virtual: page through it, collecting rows by index.
      const seen = new Map<number, RunningExtension>();
      let size = Infinity;
      for (let attempt = 0; attempt < 50 && seen.size < size; attempt++) {
        const rows = await list.locator('.monaco-list-row').evaluateAll((els) =>
          els.map((el) => ({
            index: Number(el.getAttribute('data-index')),
            size: Number(el.getAttribute('aria-setsize')),
            name: el.querySelector('.name')?.textContent?.trim() ?? '',
            label: el.getAttribute('aria-label') ?? '',
            activation: el.querySelector('.activation-time')?.textContent?.trim() ?? '',
          })),
        );
        for (const r of rows) {
          size = r.size || size;
          seen.set(r.index, { name: r.name, label: r.label, activation: r.activation });
        }
        if (seen.size < size) await page.keyboard.press('PageDown');
      }
      if (!options.keepOpen) {
        await page.keyboard.press('Escape');
        await page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden', timeout: 10_000 });
      }
      return [...seen.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
    },

    async openFile(relPath, line) {
      const file = basename(relPath);
      const row = page.locator(QUICK_INPUT_ROW).filter({ has: page.locator('.label-name', { hasText: file }) });
      // Quick Open searches the server's file index, which can miss a file written a moment ago
      // (or while the workspace is still indexed): ask again, as a person would.
      await waitFor(
        async () => {
          await openQuickInput(line === undefined ? relPath : `${relPath}:${line}`);
          if (await row.first().waitFor({ timeout: 10_000 }).then(() => true, () => false)) return true;
          await closeQuickInput();
          return false;
        },
        60_000,
        `Quick Open to list ${relPath}`,
      ).catch(async () => {
        await closeQuickInput().catch(() => undefined);
        throw new Error(`Quick Open did not find ${relPath}`);
      });
      await page.keyboard.press('Enter');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10_000 });
      await page.locator('.tab.active').filter({ hasText: file, visible: true }).first().waitFor({ timeout: 15_000 });
      if (line !== undefined) {
        await waitFor(
          async () => (await handle.statusBarText()).some((t) => t.startsWith(`Ln ${line},`)),
          10_000,
          `the cursor to be on line ${line} of ${relPath}`,
        );
      }
    },

    async editorText() {
      // Monaco renders only the lines in view, absolutely positioned; order them by position.
      const lines = await page.locator('.editor-group-container.active:not(.empty) .view-lines .view-line').filter({ visible: true }).evaluateAll((els) =>
        els
          .map((el) => ({ top: parseFloat((el as HTMLElement).style.top) || 0, text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text),
      );
      return lines.join('\n');
    },

    async problems() {
      await page.keyboard.press('Escape');
      const panel = page.locator('.markers-panel');
      if (!(await panel.isVisible())) await handle.runCommand('Problems: Focus on Problems View');
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
      const rows = panel.locator('.monaco-list-row');
      const out: ProblemRow[] = [];
      let file = '';
      for (const row of await rows.all()) {
        const label = (await row.getAttribute('aria-label')) ?? '';
        if ((await row.locator('.marker-icon').count()) === 0 && (await row.locator('.file-icon, .monaco-icon-label').count()) > 0 && !/\bat line\b/i.test(label)) {
          file = (await row.locator('.label-name').first().textContent())?.trim() ?? file;
          continue;
        }
        const iconClass = (await row.locator('.marker-icon').first().getAttribute('class')) ?? '';
        const severity = /error/.test(iconClass) ? 'error' : /warning/.test(iconClass) ? 'warning' : /info/.test(iconClass) ? 'info' : 'unknown';
        const message = ((await row.locator('.marker-message-details, .marker-message').first().textContent().catch(() => '')) ?? '').trim();
        const lineMatch = /\[Ln (\d+)/.exec((await row.innerText()).replace(/\s+/g, ' '));
        out.push({ file, severity, message: message || label, line: lineMatch ? Number(lineMatch[1]) : undefined, label });
      }
      return out;
    },

    async statusBarText() {
      const items = page.locator('#workbench\\.parts\\.statusbar .statusbar-item');
      return (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t !== '');
    },

    async notifications() {
      const toasts = page.locator('.notifications-toasts .notification-toast .notification-list-item-message');
      return (await toasts.allInnerTexts()).map((t) => t.trim());
    },

    async reloadWindow() {
      parts.watch.lap('test');
      const loaded = page.waitForEvent('load', { timeout: WORKBENCH_LOAD_MS });
      await handle.runCommand('Developer: Reload Window');
      await loaded;
      await waitForWorkbench(page, basename(parts.workspaceDir), parts.theme);
      parts.watch.lap('reload');
    },

    async dialogs() {
      return page.locator('.monaco-dialog-box').evaluateAll((els) =>
        els.map((el) =>
          [el.querySelector('.dialog-message-text')?.textContent, el.querySelector('.dialog-message-detail')?.textContent]
            .filter(Boolean)
            .join(': '),
        ),
      );
    },

    async webviewFrame(options = {}) {
      const timeoutMs = options.timeoutMs ?? 20_000;
      const index = await waitFor(
        async () => {
          const outers = page.locator('iframe.webview.ready');
          const n = await outers.count();
          for (let i = 0; i < n; i++) {
            const inner = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
            const matches = options.selector ? (await inner.locator(options.selector).count()) > 0 : (await inner.locator('body').count()) > 0;
            if (matches) return i + 1;
          }
          return 0;
        },
        timeoutMs,
        options.selector ? `a webview containing ${options.selector}` : 'a webview',
      );
      return page.frameLocator('iframe.webview.ready').nth(index - 1).frameLocator('#active-frame');
    },

    readFile(relPath) {
      return readFileSync(join(parts.workspaceDir, relPath), 'utf8');
    },

    async close() {
      if (closed) return;
      closed = true;
      parts.watch.lap('test');
      // The last state, also when the test failed half way.
      await handle.screenshot('at-close').catch(() => undefined);
      await parts.browser.close().catch(() => undefined);
      await parts.server.stop();
      removeTempDir(parts.tmp);
      parts.watch.lap('close');
      recordTimings(parts.name, parts.watch.phases);
    },
  };
  return handle;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs a task through Tasks: Run Task, reopening the picker until VS Code lists it (tasks.json is read lazily). */
export async function runTaskFromPicker(wb: Workbench, label: RegExp): Promise<void> {
  await waitFor(async () => {
    await wb.runCommand('Tasks: Run Task');
    let items = await wb.quickPickItems();
    if (!items.some((i) => label.test(i)) && items.some((g) => g.trim() === 'milestone-scope')) {
      await wb.pickQuickItem(/^\s*milestone-scope$/);
      items = await waitFor(async () => {
        const now = await wb.quickPickItems();
        return now.some((i) => /Milestone Scope: Check/.test(i)) ? now : undefined;
      }, 60_000, 'the milestone-scope tasks');
    }
    if (items.some((i) => label.test(i))) return true;
    await wb.page.keyboard.press('Escape');
    return false;
  }, 60_000, `the task ${label} in Run Task`);
  await wb.pickQuickItem(label, { timeoutMs: 30_000 });
}

/**
 * Retries an interaction with a workbench popup until it succeeds, pressing Escape after each
 * failed attempt: a quick pick or action list can close, or open empty, while focus is still
 * moving (seen in CI), and asking again is what a person would do.
 */
export async function retryPopup(wb: Workbench, description: string, attempt: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    () =>
      attempt().then(
        () => true,
        async () => {
          await wb.page.keyboard.press('Escape');
          return false;
        },
      ),
    timeoutMs,
    description,
  );
}

/** Picks a milestone in the Start Milestone quick pick by its `M<id> ·` label. */
export async function startFromPalette(wb: Workbench, id: string): Promise<void> {
  await wb.runCommand('Milestone Scope: Start Milestone');
  const row = wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: `M${id} ·` }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}
