/** `protector provider install --mirror DIR` as a user runs it. */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildProviderOnce } from '../../../helpers/terraform';
import { packageVersion, REPO_ROOT } from '../../../../src/provider/bundle';
import { terraformPlatform } from '../../../../src/provider/install';

const run = promisify(execFile);

describe('protector provider install', () => {
  let mirror: string;
  beforeAll(() => buildProviderOnce(), 60_000);
  beforeEach(() => {
    mirror = mkdtempSync(join(tmpdir(), 'protector-mirror-'));
  });
  afterEach(() => rmSync(mirror, { recursive: true, force: true }));

  test('lays out the unpacked mirror and prints the CLI configuration that uses it', async () => {
    const { stdout } = await run(join(REPO_ROOT, 'bin', 'protector'), ['provider', 'install', '--mirror', mirror], { timeout: 60_000 });
    const version = packageVersion();
    const installed = join(mirror, 'registry.terraform.io', 'protector-iac', 'protector', version, terraformPlatform(), `terraform-provider-protector_v${version}`);
    expect(statSync(installed).isFile()).toBe(true);
    expect(() => accessSync(installed, constants.X_OK)).not.toThrow();
    expect(stdout).toContain(installed);
    expect(stdout).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(stdout).toContain('include = ["registry.terraform.io/protector-iac/protector"]');
    expect(stdout).toContain('exclude = ["registry.terraform.io/protector-iac/protector"]');
  }, 60_000);

  test('maps Node platforms to Terraform platform names', () => {
    expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
    expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
    expect(terraformPlatform('win32', 'x64')).toBe('windows_amd64');
    expect(() => terraformPlatform('linux', 'mips')).toThrow(/no provider platform for the CPU architecture "mips"/);
  });
});
