/**
 * How the provider reaches a machine that runs Terraform, end to end with the real terraform:
 *
 * - the standalone executable (a Node single executable application) on a PATH with no `node`,
 *   what a `hashicorp/terraform` container or a CI image without Node has;
 * - the signed release files (zips, SHA256SUMS, its GPG signature, the registry manifest), made
 *   with a throwaway key in a temporary GNUPGHOME;
 * - `protector provider mirror`: `terraform init` from the packed filesystem mirror and from the
 *   network mirror served over HTTPS on loopback (a test CA through SSL_CERT_FILE), `terraform
 *   providers lock` for both platforms, and a tampered zip refused.
 *
 * Both executables are built once per run (test/helpers/executables.ts); only linux_amd64 runs
 * here, linux_arm64 is checked to be an AArch64 executable with the provider inside.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { releaseFiles } from '../../../src/provider/artifacts';
import { MAGIC_COOKIE_VALUE } from '../../../src/provider/host/handshake';
import { networkMirrorConfig, packedMirrorConfig } from '../../../src/provider/mirror';
import { buildRelease, type ReleaseResult } from '../../../src/provider/release';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { buildExecutablesOnce } from '../../helpers/executables';
import { runCommand, runProtector } from '../../helpers/run-command';
import { makeTestCertificates } from '../../helpers/static-https-server';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { providerHcl } from '../provider/helpers';

// Building two ~100 MB executables and zipping them on a loaded 2-core machine.
jest.setTimeout(600_000);

const ELF_MACHINE = { x86_64: 62, aarch64: 183 };
const VERSION = '0.1.0';
const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    protector = { source = "protector-iac/protector", version = "${VERSION}" }
  }
}
`;

/** A folder holding only a `terraform` link: the PATH terraform and its providers get. */
function pathWithoutNode(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const terraform = ['/usr/local/bin', '/usr/bin', ...(process.env.PATH ?? '').split(':')]
    .map((folder) => path.join(folder, 'terraform'))
    .find((file) => fs.existsSync(file));
  if (!terraform) throw new Error('terraform is not on PATH');
  if (!fs.existsSync(path.join(bin, 'terraform'))) fs.symlinkSync(fs.realpathSync(terraform), path.join(bin, 'terraform'));
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

/** A workspace folder whose CLI configuration is `cliConfig`, run with `env` on top of a clean terraform environment. */
function terraformIn(dir: string, cliConfig: string, env: NodeJS.ProcessEnv = {}) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf'), REQUIRED_PROVIDERS);
  fs.writeFileSync(path.join(dir, 'terraform.tfrc'), cliConfig);
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: path.join(dir, 'terraform.tfrc'),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_PLUGIN_CACHE_DIR: '',
    ...env,
  };
  delete fullEnv.TF_LOG;
  return (args: string[]) => runCommand('terraform', [...args, '-no-color'], { cwd: dir, env: fullEnv });
}

/** Serves `root` read-only over HTTPS on loopback, with the content types Terraform's mirror client checks. */
async function serveHttps(root: string, tls: { key: string; cert: string }): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(tls.key), cert: fs.readFileSync(tls.cert) }, (request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'https://localhost').pathname);
    requests.push(`${request.method} ${urlPath}`);
    const file = path.join(root, path.normalize(urlPath));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/zip' });
    response.end(request.method === 'HEAD' ? undefined : fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function lockHashes(dir: string): string[] {
  return [...fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8').matchAll(/"((?:h1|zh):[^"]+)"/g)].map((match) => match[1]);
}

describe('the provider distribution', () => {
  let executables: Awaited<ReturnType<typeof buildExecutablesOnce>>;
  let dir: string;
  beforeAll(async () => {
    executables = await buildExecutablesOnce();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distribution-'));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('the standalone executable', () => {
    let emulator: RunningEmulator;
    beforeAll(async () => {
      emulator = await spawnEmulator();
    });
    afterAll(async () => {
      await emulator?.stop();
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

    test('the linux_amd64 executable loads the provider from its own V8 code cache (V8 accepts it)', async () => {
      // GIVEN the executable started as Terraform starts it, logging at debug
      const child = spawn(executables.linux_amd64, [], {
        env: { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', TF_DISABLE_PLUGIN_TLS: '1', TF_LOG: 'debug', PLUGIN_UNIX_SOCKET_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      try {
        // WHEN it has loaded stage 2 (the gRPC server says it is serving)
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`not serving within 60 s; stderr: ${stderr}`)), 60_000);
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
            stderr += chunk;
            if (stderr.includes('plugin serving')) {
              clearTimeout(timer);
              resolve();
            }
          });
        });
      } finally {
        child.kill('SIGKILL');
      }
      // THEN the code came from the cache built into it, not from compiling
      expect(stderr).toContain('provider code loaded from the code cache inside this executable');
      expect(stderr).not.toContain('rejected');
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

  describe('the release files and the mirrors', () => {
    const names = releaseFiles(VERSION);
    let gnupgHome: string;
    let release: ReleaseResult;
    let mirror: string;
    let tls: { ca: string; key: string; cert: string };

    beforeAll(async () => {
      // A throwaway signing key, in a GNUPGHOME of its own (short path: gpg-agent's socket path is limited).
      gnupgHome = fs.mkdtempSync(path.join('/tmp', 'gpg-'));
      fs.chmodSync(gnupgHome, 0o700);
      const key = await runCommand(
        'gpg',
        ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'cdktf-protector test <release-test@example.invalid>', 'ed25519', 'sign', '1d'],
        {
          env: { ...process.env, GNUPGHOME: gnupgHome },
        },
      );
      if (key.code !== 0) throw new Error(`gpg could not make a test key: ${key.stderr}`);
      release = await buildRelease({ executables, signingKey: 'release-test@example.invalid', gnupgHome, outDir: path.join(dir, 'release'), version: VERSION });
      mirror = path.join(dir, 'mirror');
      tls = await makeTestCertificates(fs.mkdtempSync(path.join(dir, 'tls-')));
    });
    afterAll(async () => {
      if (gnupgHome) {
        await runCommand('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupgHome } });
        fs.rmSync(gnupgHome, { recursive: true, force: true });
      }
    });

    test('are per-platform zips, the registry manifest, SHA256SUMS and its valid detached signature', async () => {
      expect(release.files).toEqual([names.zip('linux_amd64'), names.zip('linux_arm64'), names.manifest, names.sums, names.signature]);
      const sums = fs.readFileSync(path.join(release.dir, names.sums), 'utf8');
      for (const file of [names.zip('linux_amd64'), names.zip('linux_arm64'), names.manifest]) {
        const digest = createHash('sha256')
          .update(fs.readFileSync(path.join(release.dir, file)))
          .digest('hex');
        expect(sums).toContain(`${digest}  ${file}\n`);
      }
      expect(JSON.parse(fs.readFileSync(path.join(release.dir, names.manifest), 'utf8'))).toEqual({ version: 1, metadata: { protocol_versions: ['6.0'] } });
      const verify = await runCommand('gpg', ['--batch', '--verify', path.join(release.dir, names.signature), path.join(release.dir, names.sums)], {
        env: { ...process.env, GNUPGHOME: gnupgHome },
      });
      expect(verify.stderr).toMatch(/Good signature from "cdktf-protector test/);
      const listing = await runCommand('unzip', ['-Z', path.join(release.dir, names.zip('linux_amd64'))]);
      expect(listing.stdout).toMatch(new RegExp(`-rwxr-xr-x .* ${names.executable}\\n`));
    });

    test('protector provider mirror lays out both mirrors, and refuses a zip that does not match SHA256SUMS', async () => {
      // WHEN the release is mirrored with the CLI
      const mirrored = await runProtector(['provider', 'mirror', '--release', release.dir, '--out', mirror, '--url', 'https://mirror.test/providers/']);

      // THEN both layouts are there, and the CLI configurations to use them are printed
      expect(mirrored).toMatchObject({ code: 0, stderr: '' });
      expect(mirrored.stdout).toContain(packedMirrorConfig(path.join(mirror, 'packed')));
      expect(mirrored.stdout).toContain(networkMirrorConfig('https://mirror.test/providers/'));
      const provider = ['registry.terraform.io', 'protector-iac', 'protector'];
      expect(fs.readdirSync(path.join(mirror, 'packed', ...provider)).sort()).toEqual([names.zip('linux_amd64'), names.zip('linux_arm64')]);
      const network = path.join(mirror, 'network', ...provider);
      expect(JSON.parse(fs.readFileSync(path.join(network, 'index.json'), 'utf8'))).toEqual({ versions: { [VERSION]: {} } });
      const archives = (JSON.parse(fs.readFileSync(path.join(network, `${VERSION}.json`), 'utf8')) as { archives: Record<string, { url: string; hashes: string[] }> })
        .archives;
      expect(Object.keys(archives).sort()).toEqual(['linux_amd64', 'linux_arm64']);
      expect(archives.linux_amd64.url).toBe(names.zip('linux_amd64'));
      expect(archives.linux_amd64.hashes).toEqual([
        `zh:${createHash('sha256')
          .update(fs.readFileSync(path.join(network, names.zip('linux_amd64'))))
          .digest('hex')}`,
      ]);

      // AND a release whose zip was altered is refused, naming the file
      const altered = path.join(dir, 'altered-release');
      fs.cpSync(release.dir, altered, { recursive: true });
      fs.appendFileSync(path.join(altered, names.zip('linux_arm64')), 'x');
      const refused = await runProtector(['provider', 'mirror', '--release', altered, '--out', path.join(dir, 'altered-mirror')]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${names.zip('linux_arm64')} does not match its checksum`);
    });

    test('terraform init installs from the packed filesystem mirror, with no node on PATH', async () => {
      const terraform = terraformIn(path.join(dir, 'from-packed'), packedMirrorConfig(path.join(mirror, 'packed')), { PATH: pathWithoutNode(dir) });
      const init = await terraform(['init', '-input=false']);
      expect(init).toMatchObject({ code: 0, stderr: '' });
      expect(init.stdout).toContain(`Installed protector-iac/protector v${VERSION}`);
      const providers = await terraform(['version', '-json']);
      expect(JSON.parse(providers.stdout)).toMatchObject({ provider_selections: { 'registry.terraform.io/protector-iac/protector': VERSION } });
    });

    test('terraform init and providers lock use the network mirror over HTTPS; a tampered zip is refused', async () => {
      // GIVEN the network mirror's files served over HTTPS on loopback, trusted through a test CA
      const served = await serveHttps(path.join(mirror, 'network'), tls);
      try {
        const env = { SSL_CERT_FILE: tls.ca };
        const config = networkMirrorConfig(served.url);

        // WHEN terraform initializes from it
        const initDir = path.join(dir, 'from-network');
        const init = await terraformIn(initDir, config, env)(['init', '-input=false']);
        // THEN it installs and records the package's hash
        expect(init).toMatchObject({ code: 0, stderr: '' });
        expect(init.stdout).toContain(`Installed protector-iac/protector v${VERSION}`);
        expect(lockHashes(initDir)).toHaveLength(1);

        // WHEN the lock file is written for both platforms
        const lockDir = path.join(dir, 'lock-both');
        const lock = await terraformIn(lockDir, config, env)(['providers', 'lock', `-net-mirror=${served.url}`, '-platform=linux_amd64', '-platform=linux_arm64']);
        // THEN it holds a hash of each platform's package (Terraform fetched both zips)
        expect(lock).toMatchObject({ code: 0, stderr: '' });
        const hashes = lockHashes(lockDir);
        expect(hashes.filter((hash) => hash.startsWith('h1:'))).toHaveLength(2);
        expect(hashes).toContain(lockHashes(initDir)[0]);
        expect(served.requests).toEqual(expect.arrayContaining([`GET /registry.terraform.io/protector-iac/protector/${names.zip('linux_arm64')}`]));

        // WHEN the mirror's linux_amd64 zip is replaced by another file (a new file: the mirror hard-links the release)
        const zip = path.join(mirror, 'network', 'registry.terraform.io', 'protector-iac', 'protector', names.zip('linux_amd64'));
        const tampered = Buffer.concat([fs.readFileSync(zip), Buffer.from('tampered')]);
        fs.rmSync(zip);
        fs.writeFileSync(zip, tampered);
        const refused = await terraformIn(path.join(dir, 'tampered'), config, env)(['init', '-input=false']);
        // THEN terraform refuses to install it
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toMatch(/checksum|does not match/i);
      } finally {
        await served.close();
      }
    });
  });
});
