// Makes a fresh git copy of a fixture for debugging the extension on the desktop
// (.vscode/launch.json): `node --import tsx scripts/fixture-workspace.mts [fixture]` recreates
// .tools/workspaces/<fixture>/ and prints its path.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIXTURE, copyFixture, repoRoot } from './workbench.mjs';

const fixture = process.argv[2] ?? DEFAULT_FIXTURE;
const parent = join(repoRoot, '.tools', 'workspaces');
rmSync(join(parent, fixture), { recursive: true, force: true });
mkdirSync(parent, { recursive: true });
console.log(await copyFixture(fixture, parent));
