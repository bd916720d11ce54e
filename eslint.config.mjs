// Flat config. Next 16 has no `next lint`: `npm run lint` runs `eslint .`.
// Folder boundaries mirror ARCHITECTURE.md's rules with no-restricted-imports per folder.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const serverOnly = ['@/server/*', '@/server/**', '**/server/**'];

export default [
  {
    ignores: ['.next/**', '.next-*/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', '**/*.generated.*'],
  },
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      // A `let` read by a closure before its one assignment (a finish() callback) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['lib/**/*.ts', 'lib/**/*.tsx'],
    ignores: ['lib/**/*.test.ts', 'lib/**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...serverOnly, '@/app/*', '@/components/*', '**/app/**', '**/components/**'], message: 'lib/ is pure: it may import only lib/.' },
            { group: ['node:*', 'react', 'react-dom', 'next', 'next/*'], message: 'lib/ runs in Node and the browser: no Node APIs, no React.' },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.ts', 'components/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: serverOnly, message: 'components/ never imports server/.' }] }],
    },
  },
  {
    files: ['server/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/kube/**', '**/server/logs/**', '**/server/envoy/**', '**/server/sync/**', '**/server/stream/**', '**/server/http/**', '**/server/main', '**/server/runtime', '@/server/*', '!@/server/sandbox/*'],
              message: 'The sandbox reaches the console only over the network: import lib/ or server/sandbox only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    // Tests start a sandbox to stand on; the shipped server code never does.
    ignores: ['server/sandbox/**', 'server/cli/**', '**/*.test.ts', '**/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sandbox/**', '@/server/sandbox/*'], message: 'Only the CLI starts the sandbox; the console reaches it through a kubeconfig.' }] }],
    },
  },
];
