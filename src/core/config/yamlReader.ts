import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { problem, type Problem, type Severity } from '../problems';
import { closestName } from '../text';

/**
 * A YAML document read with positions, and typed accessors that report wrong types as problems
 * at the offending line instead of throwing. Shared by the configuration and the YAML catalog.
 */
export class YamlReader {
  readonly doc: Document.Parsed;
  readonly problems: Problem[] = [];
  private readonly lines = new LineCounter();
  private duplicateKeys = 0;
  private unknownKeys = 0;
  private unknownSummary: Problem | undefined;

  constructor(
    text: string,
    readonly file: string,
  ) {
    // The library's own unique-key check compares each key with every earlier one (quadratic: a
    // file with tens of thousands of keys took minutes); keys are checked below with a set instead.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
    for (const e of [...this.doc.errors, ...this.doc.warnings]) {
      const sev: Severity = e.name === 'YAMLParseError' ? 'error' : 'warning';
      const pos = this.lines.linePos(e.pos[0]);
      const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      this.problems.push(problem(sev, 'yaml/syntax', msg, { file, line: pos.line, column: pos.col }));
    }
    if (this.doc.errors.length === 0) this.checkUniqueKeys();
  }

  /** Every mapping's keys are unique (scalar keys compared by value), each duplicate an error at its line. */
  private checkUniqueKeys(): void {
    visit(this.doc, {
      Map: (_key, map) => {
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          const k = pair.key;
          if (!isScalar(k)) continue;
          const v = k.value;
          if (seen.has(v)) {
            this.duplicateKeys++;
            if (this.duplicateKeys <= 20) {
              const pos = this.lines.linePos(k.range?.[0] ?? 0);
              this.problems.push(
                problem('error', 'yaml/syntax', 'Map keys must be unique', { file: this.file, line: pos.line, column: pos.col }),
              );
            }
          } else seen.add(v);
        }
      },
    });
  }

  get ok(): boolean {
    return this.doc.errors.length === 0 && this.duplicateKeys === 0;
  }

  get root(): Node | null {
    return this.doc.contents as Node | null;
  }

  /** 1-based line and column of a node (line 1 for a missing node). */
  at(node: Node | null | undefined): { file: string; line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const p = this.lines.linePos(offset);
    return { file: this.file, line: p.line, column: p.col };
  }

  report(sev: Severity, code: string, message: string, node: Node | null | undefined): void {
    this.problems.push(problem(sev, code, message, this.at(node)));
  }

  /** Pairs of a mapping with string keys; reports anything else. */
  entries(node: Node | null | undefined, what: string): Array<{ key: string; keyNode: Node; value: Node | null; pair: Pair }> {
    if (!isMap(node)) {
      this.report('error', 'yaml/type', `${what} must be a mapping`, node);
      return [];
    }
    return (node as YAMLMap).items.flatMap((pair) => {
      const keyNode = pair.key as Node;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        this.report('error', 'yaml/type', `${what}: keys must be strings`, keyNode);
        return [];
      }
      return [{ key: String(keyNode.value), keyNode, value: (pair.value as Node | null) ?? null, pair }];
    });
  }

  string(node: Node | null, what: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value;
    this.report('error', 'yaml/type', `${what} must be a non-empty string`, node);
    return undefined;
  }

  positiveInt(node: Node | null, what: string): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 1) return node.value;
    this.report('error', 'yaml/type', `${what} must be a positive whole number`, node);
    return undefined;
  }

  /** A list of strings; a single string is accepted as a one-element list. */
  stringList(node: Node | null, what: string): string[] | undefined {
    if (isScalar(node)) {
      const s = this.string(node, what);
      return s === undefined ? undefined : [s];
    }
    if (!isSeq(node)) {
      this.report('error', 'yaml/type', `${what} must be a list of strings`, node);
      return undefined;
    }
    const out: string[] = [];
    for (const item of node.items as Node[]) {
      const s = this.string(item, `${what} entries`);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  seq(node: Node | null, what: string): Node[] {
    if (isSeq(node)) return node.items as Node[];
    this.report('error', 'yaml/type', `${what} must be a list`, node);
    return [];
  }

  /**
   * Reports an unknown key: the first MAX_UNKNOWN_KEYS one by one, the rest counted in one more
   * problem. A long key is shortened in the message.
   */
  unknownKey(key: string, keyNode: Node, where: string, known: readonly string[]): void {
    this.unknownKeys++;
    if (this.unknownKeys > MAX_UNKNOWN_KEYS) {
      const more = this.unknownKeys - MAX_UNKNOWN_KEYS;
      if (!this.unknownSummary) {
        this.unknownSummary = problem('warning', 'yaml/unknown-key', '', this.at(keyNode));
        this.problems.push(this.unknownSummary);
      }
      this.unknownSummary.message = `${more} more unknown key${more === 1 ? '' : 's'} in ${where} from here on; ignored`;
      return;
    }
    const hint = closest(key, known);
    const shown = key.length > 60 ? `${key.slice(0, 60)}…" (${key.length.toLocaleString('en-US')} characters)` : `${key}"`;
    this.report(
      'warning',
      'yaml/unknown-key',
      `unknown key "${shown} in ${where}${hint ? ` (did you mean "${hint}"?)` : ''}; ignored`,
      keyNode,
    );
  }
}

/** Unknown keys reported one by one; the rest are counted in one problem. */
const MAX_UNKNOWN_KEYS = 20;

function closest(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return known.find((c) => c.toLowerCase().replace(/[_-]/g, '') === k) ?? closestName(key, known, { maxDistance: 2, ignoreCase: true });
}
