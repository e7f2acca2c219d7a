// ESLint flat config: typescript-eslint's type-aware recommended rules over every TypeScript file
// tsconfig.json covers. Formatting is prettier's job (npm run lint runs both).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '**/cdktf.out/', '**/.gen/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The CLI commands and the provider entry point load their handlers with a typed
      // `require(...) as typeof import(...)` so a process loads only what it runs: Terraform starts
      // the provider several times per command, and `protector --help` should not load the emulator.
      '@typescript-eslint/no-require-imports': 'off',
      // Without noUncheckedIndexedAccess (not enabled yet: ~110 sites), TypeScript types a record or
      // array lookup as always present, and this rule then asks to drop the `!` that marks such a
      // lookup as checked. Those `!` are what noUncheckedIndexedAccess will require.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // As tsc's noUnusedLocals/noUnusedParameters: `_name` is unused on purpose, and destructuring
      // a field next to `...rest` is how a view leaves that field out.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // zod's `z` export is one namespace object holding all of zod, so the bundler must keep all
      // of it (its ~50 locales too: 475 of the provider's 1,500 KB); `import * as z` lets it keep
      // what is used (98 KB), and every provider start parses a third less.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'` (keeps the provider bundle small).",
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read untyped JSON (terraform show -json, synthesized stacks, API bodies) and let
      // expect() check its shape; typing every probe would only restate the assertions.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Test doubles implement async interfaces with bodies that have nothing to wait for.
      '@typescript-eslint/require-await': 'off',
      // Tests assert that no control character reaches an answer or a log: the pattern must name them.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain CommonJS run by Node and jest (configs, jest's global setup and teardown).
    files: ['**/*.{js,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
