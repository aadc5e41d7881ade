import tseslint from 'typescript-eslint';

/** Rules that protect the architecture; formatting is left to the editor. */
export default tseslint.config(
  { ignores: ['**/dist/**', 'bench/results/**', 'node_modules/**', 'data/**'] },
  {
    files: ['packages/*/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@parley/*/src/*', '**/packages/*/src/*'], message: "Import a package by its name, not another package's src." }] },
      ],
    },
  },
);
