/**
 * The standalone provider executable (a Node single executable application) under the real
 * terraform, on a PATH with no `node` at all: what a `hashicorp/terraform` container or a CI image
 * without Node has. Both platforms are built once per run (test/helpers/executables.ts); only
 * linux_amd64 can run here, linux_arm64 is checked to be an AArch64 executable with the provider inside.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { buildExecutablesOnce } from '../../helpers/executables';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { providerHcl } from '../provider/helpers';

// Building two ~100 MB executables on a loaded 2-core machine.
jest.setTimeout(600_000);

const ELF_MACHINE = { x86_64: 62, aarch64: 183 };

/** A folder holding only a `terraform` link: the PATH terraform and its providers get. */
function pathWithoutNode(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const terraform = ['/usr/local/bin', '/usr/bin', ...(process.env.PATH ?? '').split(':')]
    .map((folder) => path.join(folder, 'terraform'))
    .find((file) => fs.existsSync(file));
  if (!terraform) throw new Error('terraform is not on PATH');
  fs.symlinkSync(fs.realpathSync(terraform), path.join(bin, 'terraform'));
  return bin;
}

function elfMachine(file: string): number {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  return header.readUInt16LE(18);
}

describe('the standalone provider executable', () => {
  let executables: Awaited<ReturnType<typeof buildExecutablesOnce>>;
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    executables = await buildExecutablesOnce();
    emulator = await spawnEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standalone-'));
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('is built for linux_amd64 and linux_arm64, each with the provider injected', () => {
    expect(elfMachine(executables.linux_amd64)).toBe(ELF_MACHINE.x86_64);
    expect(elfMachine(executables.linux_arm64)).toBe(ELF_MACHINE.aarch64);
    for (const file of Object.values(executables)) {
      const content = fs.readFileSync(file);
      // The blob carries the bundle's text, and the provider's name is in it.
      expect(content.includes('NODE_SEA_BLOB')).toBe(true);
      expect(content.includes('terraform-provider-protector')).toBe(true);
    }
  });

  test('terraform init and apply run it with no node on PATH', async () => {
    // GIVEN a PATH with terraform and nothing else, and a mirror holding the executable
    const bin = pathWithoutNode(dir);
    expect(fs.readdirSync(bin)).toEqual(['terraform']);
    const workspace: TerraformWorkspace = await createTerraformWorkspace({
      provider: executables.linux_amd64,
      env: { PATH: bin },
      hcl:
        providerHcl(emulator.edgercPath, emulator.section, emulator.url) +
        `
resource "protector_connection_configuration" "standalone" {
  name            = "standalone"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_standalone"
  group_id        = "grp_standalone"
  target {
    host     = "origin.example.com"
    ports    = [443]
    protocol = "https"
  }
}
`,
    });
    try {
      // WHEN terraform installs and drives it
      const init = await workspace.run(['init', '-input=false', '-no-color']);
      const apply = await workspace.run(['apply', '-auto-approve', '-no-color', '-input=false']);
      const destroy = await workspace.run(['destroy', '-auto-approve', '-no-color', '-input=false']);

      // THEN every step succeeds: the executable needs no node
      expect(init).toMatchObject({ code: 0, stderr: '' });
      expect(apply.stderr).toBe('');
      expect(apply.stdout).toContain('Apply complete! Resources: 1 added');
      expect(destroy.stdout).toContain('Destroy complete! Resources: 1 destroyed');
    } finally {
      workspace.cleanup();
    }
  });
});
