import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot, packageVersion } from '../../../constructs/package-info';
import { version } from '../../../package.json';

describe('package-info', () => {
  test("finds this package's root and version from the construct sources", () => {
    expect(packageRoot()).toBe(path.resolve(__dirname, '../../..'));
    expect(packageVersion()).toBe(version);
  });

  test('outside the package it fails saying the installation is incomplete', () => {
    // GIVEN a folder with no cdktf-protector package.json above it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-package-'));
    try {
      // WHEN / THEN
      expect(() => packageRoot(dir)).toThrow(/cannot find its own package\.json above ".*no-package-.*".*reinstall it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
