// Lint rules that hold the architecture: the core, the webview and the message protocols never
// import `vscode` (type-only imports allowed in protocols), no import cycles, no floating promises.
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const noVscode = {
  paths: [{ name: 'vscode', message: 'src/core and src/webview run without VS Code: pass what you need in from src/extension.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'media/**', '.tools/**', 'node_modules/**', 'test/fixtures/**', 'test-results/**', 'bench/flame/harness.js'] },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/webview/**/*.ts', 'src/cli/**/*.ts', 'src/mcp/**/*.ts', 'src/server/**/*.ts', 'src/**/*Protocol.ts', 'src/**/protocol.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { ...noVscode, paths: noVscode.paths.map((p) => ({ ...p, allowTypeImports: false })) }],
    },
  },
  {
    files: ['src/**/*Protocol.ts', 'src/**/protocol.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: noVscode.paths.map((p) => ({ ...p, allowTypeImports: true })) }],
    },
  },
);
