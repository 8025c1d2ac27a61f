import tseslint from 'typescript-eslint';
import weft from './tools/eslint/layers.js';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'release/**', 'demo-study/**', 'test-results/**', 'bench-results/**', '**/*.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}', 'datasets/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', 'tools/**/*.js'],
    extends: [tseslint.configs.recommended],
    plugins: { weft },
    rules: {
      'weft/layers': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='setTimeout'][arguments.length<2]", message: 'Give setTimeout a delay.' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'datasets/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
