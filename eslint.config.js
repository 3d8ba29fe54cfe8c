// Lint rules that keep the architecture honest: module boundaries by project tags, no import
// cycles, no floating promises, and no Node built-ins in deterministic code (workflow code and
// the pure language library).
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const importPlugin = require('eslint-plugin-import');
const prettier = require('eslint-config-prettier');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.warden/**',
      '.nx/**',
      'coverage/**',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx, import: importPlugin },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'import/no-cycle': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['@warden/engine/workflows', '@warden/definition/runtime'],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:domain'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:worker', 'scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:cli', 'scope:shared', 'scope:api'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The language library is pure: it may import only other pure libraries.
            { sourceTag: 'purity:pure', onlyDependOnLibsWithTags: ['purity:pure'] },
          ],
        },
      ],
    },
  },
  {
    // Deterministic code: Temporal workflow code and the pure language library.
    files: ['libs/engine/src/workflows/**/*.ts', 'libs/definition/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins,
            // The full index carries the YAML parser and validator into every run's sandbox.
            { name: '@warden/definition', message: 'workflow code imports @warden/definition/runtime' },
          ],
          patterns: ['**/activities/**'],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process', 'require'],
    },
  },
  {
    files: ['**/*.spec.ts', 'tests/**/*.ts', 'jest/**/*.ts', 'bench/**/*.ts', '**/scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
);
