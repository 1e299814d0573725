import js from '@eslint/js';
import security from 'eslint-plugin-security';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/.next/**', '**/next-env.d.ts', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  security.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Flags every obj[key]: with typed keys this is noise that hides the real findings.
      'security/detect-object-injection': 'off',
      // Fires on any non-literal RegExp; our patterns are literals, and safe-regex below catches nesting.
      'security/detect-non-literal-regexp': 'error',
      'security/detect-unsafe-regex': 'error',
      'security/detect-eval-with-expression': 'error',
      'security/detect-pseudoRandomBytes': 'error',
      'security/detect-possible-timing-attacks': 'error',
      'security/detect-child-process': 'warn',
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use crypto.getRandomValues (a CSPRNG).' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests, benches and examples start servers, read corpora and spawn tools by design.
    files: ['test/**', 'bench/**', 'examples/**', 'scripts/**'],
    languageOptions: { globals: globals.node },
    rules: {
      'security/detect-non-literal-fs-filename': 'off',
      'security/detect-child-process': 'off',
      'no-restricted-properties': 'off',
    },
  },
);
