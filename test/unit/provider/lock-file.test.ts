import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageHashH1, withProviderLock } from '../../../src/provider/lock-file';

const KUBERNETES = `provider "registry.terraform.io/hashicorp/kubernetes" {
  version     = "2.38.0"
  constraints = "2.38.0"
  hashes = [
    "h1:kubernetes=",
  ]
}
`;

test('adds the provider entry to an empty lock file, as terraform init writes it', () => {
  expect(withProviderLock('', '1.2.3', '1.2.3', ['h1:abc='])).toBe(
    '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n\n' +
      'provider "registry.terraform.io/protector-iac/protector" {\n  version     = "1.2.3"\n  constraints = "1.2.3"\n  hashes = [\n    "h1:abc=",\n  ]\n}\n',
  );
});

test('replaces only its own entry and keeps every other provider', () => {
  const first = withProviderLock(`# header\n\n${KUBERNETES}`, '1.2.3', '1.2.3', ['h1:old=']);
  const second = withProviderLock(first, '1.2.4', '1.2.4', ['h1:new=']);
  expect(second).toContain(KUBERNETES);
  expect(second).toContain('"h1:new="');
  expect(second).not.toContain('h1:old=');
  expect(second.match(/protector-iac\/protector/g)).toHaveLength(1);
});

test('the h1 hash covers every file and its path, so a changed executable changes it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h1-'));
  try {
    fs.writeFileSync(path.join(dir, 'terraform-provider-protector_v1.2.3'), 'one');
    const before = packageHashH1(dir);
    expect(before).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    fs.writeFileSync(path.join(dir, 'terraform-provider-protector_v1.2.3'), 'two');
    expect(packageHashH1(dir)).not.toBe(before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
