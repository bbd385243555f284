// The manifest's user-visible strings live in package.nls.json (VS Code substitutes every `%key%`
// of package.json with the display language's package.nls.<lang>.json, else package.nls.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));

/** Every string in a JSON value, with its path (`contributes.commands[0].title`). */
function strings(value: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

const KEY = /^%(.+)%$/;

test('every %key% of package.json has a text in package.nls.json', () => {
  const missing = strings(pkg)
    .filter((s) => KEY.test(s.text) && !(s.text.match(KEY)![1]! in nls))
    .map((s) => `${s.at}: ${s.text}`);
  assert.deepEqual(missing, []);
});

test('every key of package.nls.json is used by package.json', () => {
  const used = new Set(strings(pkg).flatMap((s) => (KEY.test(s.text) ? [s.text.match(KEY)![1]!] : [])));
  assert.deepEqual(
    Object.keys(nls).filter((k) => !used.has(k)),
    [],
  );
  for (const [k, text] of Object.entries(nls)) assert.ok(typeof text === 'string' && text.trim() !== '', `${k} has no text`);
});

test('the user-visible strings of contributes are %key% references', () => {
  const c = pkg.contributes;
  const visible: Array<{ at: string; text: unknown }> = [];
  const add = (at: string, text: unknown) => text !== undefined && visible.push({ at, text });
  for (const cmd of c.commands) {
    add(`command ${cmd.command} title`, cmd.title);
    add(`command ${cmd.command} category`, cmd.category);
    add(`command ${cmd.command} shortTitle`, cmd.shortTitle);
  }
  for (const list of Object.values(c.viewsContainers) as any[]) for (const v of list) add(`view container ${v.id}`, v.title);
  for (const list of Object.values(c.views) as any[]) for (const v of list) {
    add(`view ${v.id} name`, v.name);
    add(`view ${v.id} contextualTitle`, v.contextualTitle);
  }
  for (const w of c.viewsWelcome) add(`welcome of ${w.view}`, w.contents);
  for (const col of c.colors) add(`color ${col.id}`, col.description);
  for (const td of c.taskDefinitions) for (const [k, p] of Object.entries(td.properties) as any[]) add(`task property ${k}`, p.description);
  add('configuration title', c.configuration.title);
  const settings = (prefix: string, props: Record<string, any>) => {
    for (const [k, s] of Object.entries(props)) {
      for (const f of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) add(`${prefix}${k} ${f}`, s[f]);
      for (const f of ['enumDescriptions', 'markdownEnumDescriptions']) (s[f] ?? []).forEach((t: unknown, i: number) => add(`${prefix}${k} ${f}[${i}]`, t));
      if (s.properties) settings(`${prefix}${k}.`, s.properties);
    }
  };
  settings('setting ', c.configuration.properties);
  for (const w of c.walkthroughs) {
    add(`walkthrough ${w.id} title`, w.title);
    add(`walkthrough ${w.id} description`, w.description);
    for (const s of w.steps) {
      add(`walkthrough step ${s.id} title`, s.title);
      add(`walkthrough step ${s.id} description`, s.description);
      add(`walkthrough step ${s.id} altText`, s.media?.altText);
    }
  }
  add('untrusted workspace description', pkg.capabilities?.untrustedWorkspaces?.description);
  assert.ok(visible.length > 50, `only ${visible.length} strings found: the manifest's shape changed`);
  assert.deepEqual(
    visible.filter((s) => typeof s.text !== 'string' || !KEY.test(s.text)).map((s) => `${s.at}: ${String(s.text)}`),
    [],
  );
});

test('the package ships package.nls.json', () => {
  const rules = readFileSync(join(root, '.vscodeignore'), 'utf8').split(/\r?\n/);
  assert.ok(rules.includes('!package.nls.json'), '.vscodeignore must re-include package.nls.json');
});

// Runtime strings: what the extension shows goes through vscode.l10n.t, which returns the English
// message itself (placeholders filled) while no translation bundle is installed.
const SHOWN = [
  // The message of a notification or a status bar message.
  /\b(?:showInformationMessage|showWarningMessage|showErrorMessage|setStatusBarMessage)\(\s*/g,
  // Quick pick, input box, progress, CodeLens and tree item texts.
  /\b(?:title|placeHolder|prompt|tooltip|label|description|detail):\s*/g,
  /\.(?:text|tooltip|description|placeholder|title) = /g,
  /new vscode\.TreeItem\(\s*/g,
];

/** Not prose: a cargo command's name given as a configuration label. */
const NOT_PROSE = new Set(["'check'"]);

/**
 * The string or template literal starting at `i`, and its own text: placeholders (`${…}`, which
 * may hold nested literals) and codicons (`$(name)`) are not prose.
 */
function literalAt(s: string, i: number): { end: number; own: string } | undefined {
  const q = s[i];
  if (q !== "'" && q !== '"' && q !== '`') return undefined;
  let own = '';
  let j = i + 1;
  while (j < s.length && s[j] !== q) {
    if (s[j] === '\\') {
      j += 2;
    } else if (q === '`' && s[j] === '$' && s[j + 1] === '{') {
      let depth = 1;
      j += 2;
      while (j < s.length && depth > 0) {
        const inner = literalAt(s, j);
        if (inner) {
          j = inner.end;
          continue;
        }
        if (s[j] === '{') depth++;
        if (s[j] === '}') depth--;
        j++;
      }
    } else {
      own += s[j];
      j++;
    }
  }
  return { end: j + 1, own: own.replace(/\$\([a-z-]+\)/g, '') };
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Shown texts of src/extension written as literals with words in them (`file:line: literal`). */
function literalTexts(): string[] {
  const found: string[] = [];
  for (const file of sources(join(root, 'src', 'extension'))) {
    const text = readFileSync(file, 'utf8');
    for (const re of SHOWN) {
      for (const m of text.matchAll(re)) {
        const at = m.index + m[0].length;
        const literal = literalAt(text, at);
        if (!literal || !/[A-Za-z]{2}/.test(literal.own)) continue;
        const written = text.slice(at, literal.end);
        if (NOT_PROSE.has(written)) continue;
        found.push(`${relative(root, file)}:${text.slice(0, m.index).split('\n').length}: ${written.slice(0, 80)}`);
      }
    }
  }
  return found;
}

test('messages, pick, input, progress, lens and tree texts of src/extension go through vscode.l10n.t', () => {
  assert.deepEqual(literalTexts(), []);
});

test('the literal check sees prose past placeholders and nested templates, not codicons', () => {
  const own = (s: string) => literalAt(s, 0)!.own;
  assert.equal(own("`${a ? `x ${b}` : ''} Milestone ${c}`"), ' Milestone ');
  assert.equal(own("'$(check) Run check'"), ' Run check');
  assert.equal(own('`${warning ? \'$(warning)\' : \'$(target)\'} M${id}`'), ' M');
});
