// knip: unused files, dependencies and exports. `npm run knip`.
/** @type {import('knip').KnipConfig} */
module.exports = {
  // constructs/index.ts, the package's public API, is an entry through package.json "exports".
  // examples/ci/app/main.ts is the CDKTF app the CI example's cdktf.json runs.
  entry: ['src/cli/main.ts', 'src/provider/main.ts', 'scripts/*.ts', 'bench/*/run.ts', 'examples/*/main.ts', 'examples/ci/app/main.ts'],
  project: ['src/**/*.ts', 'constructs/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'test/**/*.{ts,js}'],
  ignore: ['constructs/.gen/**'],
  // Terraform is a prerequisite on PATH (see the README), not an npm package.
  ignoreBinaries: ['terraform'],
  // The tests run cdktf-cli's `cdktf` by its path in node_modules/.bin, which knip does not read.
  ignoreDependencies: ['cdktf-cli'],
  compilers: {
    // The CLI and the provider load modules lazily with `require('m') as typeof import('m')`, which
    // knip does not follow (it reads `const { a } = require('m')` only): drop the cast for it.
    ts: (text) => text.replace(/(\brequire\((['"])[^'"]+\2\))\s+as\s+typeof\s+import\(\s*(['"])[^'"]+\3\s*\)/g, '$1'),
  },
};
