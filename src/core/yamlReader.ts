import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { problem, type Problem, type Severity } from './problems';

/**
 * A YAML document read with positions, and typed accessors that report wrong types as problems
 * at the offending line instead of throwing. Shared by the configuration and the YAML catalog.
 */
export class YamlReader {
  readonly doc: Document.Parsed;
  readonly problems: Problem[] = [];
  private readonly lines = new LineCounter();

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of [...this.doc.errors, ...this.doc.warnings]) {
      const sev: Severity = e.name === 'YAMLParseError' ? 'error' : 'warning';
      const pos = this.lines.linePos(e.pos[0]);
      const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      this.problems.push(problem(sev, 'yaml/syntax', msg, { file, line: pos.line, column: pos.col }));
    }
  }

  get ok(): boolean {
    return this.doc.errors.length === 0;
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

  unknownKey(key: string, keyNode: Node, where: string, known: readonly string[]): void {
    const hint = closest(key, known);
    this.report('warning', 'yaml/unknown-key', `unknown key "${key}" in ${where}${hint ? ` (did you mean "${hint}"?)` : ''}; ignored`, keyNode);
  }
}

function closest(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return known.find((c) => c.toLowerCase().replace(/[_-]/g, '') === k) ?? known.find((c) => distance(c.toLowerCase(), key.toLowerCase()) <= 2);
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}
