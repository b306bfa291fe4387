import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.data/', 'dist-lambda/', 'cdk.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Only src/config.ts may read the environment (DESIGN.md, conventions).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' },
      ],
    },
  },
  {
    files: [
      'src/config.ts',
      'test/**',
      'bench/**',
      'bin/**',
      'src/cli/**',
      'src/lambda/index.ts',
      'infra/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The sandbox page's script runs in the browser.
    files: ['src/sandbox/page/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['document', 'window', 'fetch', 'setTimeout', 'clearTimeout', 'setInterval'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
  },
);
