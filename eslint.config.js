// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', '**/*.generated.ts', '.fleetgraph/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The gateway loads these two from their bundles (scripts/bundle-dependencies.mjs): the
    // packages themselves cost about 90 MiB of RSS at start-up (docs/benchmarks.md).
    files: ['gateway/**/*.ts', 'resolvers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@kubernetes/client-node',
              message: "Import '#client-node' (the bundle) in the gateway.",
            },
            { name: 'kysely', message: "Import '#kysely' (the bundle) in the gateway." },
          ],
        },
      ],
    },
  },
);
