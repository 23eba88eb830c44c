import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'fixtures/generated/',
      'coverage/',
      'eval-out/',
      'bench-out/',
      'demo-out/',
      '.cache/',
      'sightline-store/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // core is pure: no I/O, nothing from the rest of src
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'child_process', 'path'], message: 'core is pure: no I/O' },
            { group: ['../*', '!./*'], message: 'core imports nothing from the rest of src' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@lancedb/lancedb', message: 'only src/store talks to LanceDB' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/infra/**', 'src/version.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='node:child_process']",
          message: 'only src/infra spawns processes',
        },
      ],
    },
  },
);
