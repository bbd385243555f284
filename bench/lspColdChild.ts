/**
 * The language server's first run in a process of its own (cold modules and JIT): reads and parses
 * the documents of the workspace given as argument, then computes every diagnostic once. Prints
 * one JSON line; started by lsp.bench.ts.
 */
import { Session, type SessionHost } from '../src/server/session';

const host: SessionHost = { openText: () => undefined, publish() {} };
const root = process.argv[2]!;
const t0 = performance.now();
const session = new Session(root, host, { git: false });
session.readDocuments();
const parsed = performance.now() - t0;
session.computeProblems();
const total = performance.now() - t0;
session.dispose();
console.log(JSON.stringify({ parsed, total }));
