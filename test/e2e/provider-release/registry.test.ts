/**
 * The provider registry layout of `protector provider mirror`, end to end with the real terraform:
 * a release signed with a throwaway GPG key, its `registry/` folder served by a plain static HTTPS
 * server on loopback (test/helpers/static-https-server.ts, a test CA through SSL_CERT_FILE), and
 * Terraform sent there by a CLI configuration `host` block (or a source address on the registry's
 * own host). What a registry gives that a mirror cannot: the signed SHA256SUMS, so lock files get
 * the `zh:` hash of every platform and `terraform init` checks the signature.
 *
 * The executables are built once per run (test/helpers/executables.ts); the release and the
 * layouts hard-link them where the filesystem allows.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { releaseFiles } from '../../../src/provider/artifacts';
import { registryHostConfig } from '../../../src/provider/mirror';
import { buildRelease, type ReleaseResult } from '../../../src/provider/release';
import { buildExecutablesOnce } from '../../helpers/executables';
import { runCommand, runProtector, type CommandRun } from '../../helpers/run-command';
import { makeTestCertificates, serveStaticHttps, type StaticHttpsServer, type TestCertificates } from '../../helpers/static-https-server';

// Two ~100 MB executables zipped and downloaded several times on a loaded 2-core machine.
jest.setTimeout(600_000);

const VERSION = '0.1.0';
const KEY_EMAIL = 'registry-test@example.invalid';
const PROVIDER_DIR = ['v1', 'providers', 'protector-iac', 'protector'];

/** A workspace requiring the provider from `source`, whose CLI configuration is `cliConfig`, trusting the test CA. */
function terraformIn(dir: string, source: string, cliConfig: string, ca: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf'), `terraform {\n  required_providers {\n    protector = { source = "${source}", version = "${VERSION}" }\n  }\n}\n`);
  fs.writeFileSync(path.join(dir, 'terraform.tfrc'), cliConfig);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: path.join(dir, 'terraform.tfrc'),
    SSL_CERT_FILE: ca,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_PLUGIN_CACHE_DIR: '',
  };
  delete env.TF_LOG;
  return (args: string[]) => runCommand('terraform', [...args, '-no-color'], { cwd: dir, env });
}

function lockHashes(dir: string): string[] {
  return [...fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8').matchAll(/"((?:h1|zh):[^"]+)"/g)].map((match) => match[1]);
}

/** Terraform wraps its messages to the terminal's width. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** `zh:` + each hash SHA256SUMS lists (the zips and the registry manifest), sorted. */
function signedHashes(sumsFile: string): string[] {
  return [...fs.readFileSync(sumsFile, 'utf8').matchAll(/^([0-9a-f]{64}) {2}/gm)].map((match) => `zh:${match[1]}`).sort();
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Replaces `file` by a new file (not writing through: the layout hard-links the release's files). */
function replaceFile(file: string, content: Buffer | string): void {
  fs.rmSync(file);
  fs.writeFileSync(file, content);
}

describe('the provider registry layout', () => {
  const names = releaseFiles(VERSION);
  let dir: string;
  let gnupgHome: string;
  let keyId: string;
  let release: ReleaseResult;
  let registry: string;
  let mirrored: CommandRun;
  let tls: TestCertificates;
  let server: StaticHttpsServer;
  /** The CLI configuration that points registry.terraform.io's providers.v1 at the test server. */
  let hostBlock: string;

  beforeAll(async () => {
    const executables = await buildExecutablesOnce();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
    // A throwaway signing key, in a GNUPGHOME of its own (short path: gpg-agent's socket path is limited).
    gnupgHome = fs.mkdtempSync(path.join('/tmp', 'gpg-'));
    fs.chmodSync(gnupgHome, 0o700);
    const gpgEnv = { ...process.env, GNUPGHOME: gnupgHome };
    const key = await runCommand(
      'gpg',
      ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `registry test <${KEY_EMAIL}>`, 'ed25519', 'sign', '1d'],
      {
        env: gpgEnv,
      },
    );
    if (key.code !== 0) throw new Error(`gpg could not make a test key: ${key.stderr}`);
    const listing = await runCommand('gpg', ['--batch', '--with-colons', '--list-keys', KEY_EMAIL], { env: gpgEnv });
    keyId = (/^pub:[^:]*:[^:]*:[^:]*:([0-9A-F]{16}):/m.exec(listing.stdout) as RegExpExecArray)[1];

    release = await buildRelease({ executables, signingKey: KEY_EMAIL, gnupgHome, outDir: path.join(dir, 'release'), version: VERSION });
    mirrored = await runProtector(['provider', 'mirror', '--release', release.dir, '--out', path.join(dir, 'mirror'), '--registry-url', 'https://registry.test/']);
    registry = path.join(dir, 'mirror', 'registry');
    tls = await makeTestCertificates(fs.mkdtempSync(path.join(dir, 'tls-')));
    server = await serveStaticHttps(registry, tls);
    hostBlock = registryHostConfig(server.url);
  });

  afterAll(async () => {
    await server?.close();
    if (gnupgHome) {
      await runCommand('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupgHome } });
      fs.rmSync(gnupgHome, { recursive: true, force: true });
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('protector provider mirror writes the static registry files, and prints the host block to use them', () => {
    // THEN the release exported the public key beside the signature
    expect(release.signingKey).toBe(names.signingKey);
    expect(fs.readFileSync(path.join(release.dir, names.signingKey), 'utf8')).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);

    // AND the CLI wrote the registry and printed the CLI configuration that reaches it
    expect(mirrored).toMatchObject({ code: 0, stderr: '' });
    expect(mirrored.stdout).toContain('host "registry.terraform.io" {\n  services = {\n    "providers.v1" = "https://registry.test/v1/providers/"\n  }\n}\n');
    expect(JSON.parse(fs.readFileSync(path.join(registry, '.well-known', 'terraform.json'), 'utf8'))).toEqual({ 'providers.v1': '/v1/providers/' });
    const provider = path.join(registry, ...PROVIDER_DIR);
    const platforms = [
      { os: 'linux', arch: 'amd64' },
      { os: 'linux', arch: 'arm64' },
    ];
    expect(JSON.parse(fs.readFileSync(path.join(provider, 'versions'), 'utf8'))).toEqual({ versions: [{ version: VERSION, protocols: ['6.0'], platforms }] });
    const sums = fs.readFileSync(path.join(release.dir, names.sums), 'utf8');
    for (const { os: platformOs, arch } of platforms) {
      const zip = names.zip(`${platformOs}_${arch}`);
      const download = JSON.parse(fs.readFileSync(path.join(provider, VERSION, 'download', platformOs, arch), 'utf8')) as Record<string, unknown>;
      expect(download).toEqual({
        protocols: ['6.0'],
        os: platformOs,
        arch,
        filename: zip,
        download_url: `../../${zip}`,
        shasums_url: `../../${names.sums}`,
        shasums_signature_url: `../../${names.signature}`,
        shasum: sha256(path.join(release.dir, zip)),
        signing_keys: { gpg_public_keys: [{ key_id: keyId, ascii_armor: fs.readFileSync(path.join(release.dir, names.signingKey), 'utf8') }] },
      });
      expect(sums).toContain(`${download.shasum as string}  ${zip}\n`);
    }
    expect(fs.readdirSync(path.join(provider, VERSION)).sort()).toEqual(
      ['download', names.sums, names.signature, names.zip('linux_amd64'), names.zip('linux_arm64')].sort(),
    );
  });

  test('protector provider mirror refuses a release without its signing key, and a registry URL that is not HTTPS', async () => {
    // GIVEN a release folder holding everything but the public key (links, not copies: the zips are ~40 MB)
    const partial = path.join(dir, 'release-without-key');
    fs.mkdirSync(partial);
    for (const file of [...release.files]) fs.symlinkSync(path.join(release.dir, file), path.join(partial, file));
    const mirror = (args: string[]) => runProtector(['provider', 'mirror', '--out', path.join(dir, 'refused'), ...args]);

    // WHEN it is mirrored, THEN the CLI says which file is missing and why, as a usage error
    const withoutKey = await mirror(['--release', partial]);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain(`${names.signingKey} is not in ${partial}: a provider registry serves the public key that verifies the signature`);
    expect(withoutKey.stderr).not.toMatch(/\n\s+at /);

    // WHEN the registry URL is plain HTTP, THEN it is refused before anything is written
    const plainHttp = await mirror(['--release', release.dir, '--registry-url', 'http://registry.test/']);
    expect(plainHttp.code).toBe(2);
    expect(plainHttp.stderr).toContain('--registry-url "http://registry.test/" must be an https:// URL ending in "/"');
    expect(fs.existsSync(path.join(dir, 'refused'))).toBe(false);
  });

  test('terraform providers lock records the zh: hash of both platforms from the signed SHA256SUMS, and both h1: hashes', async () => {
    // WHEN the lock file is written for both platforms through the registry
    const lockDir = path.join(dir, 'lock-both');
    const lock = await terraformIn(lockDir, 'protector-iac/protector', hostBlock, tls.ca)(['providers', 'lock', '-platform=linux_amd64', '-platform=linux_arm64']);

    // THEN it holds a zh: hash of each line of the signed SHA256SUMS (both zips, and the manifest as for any
    // registry provider) and an h1: hash of each platform's package
    expect(lock).toMatchObject({ code: 0, stderr: '' });
    const hashes = lockHashes(lockDir);
    const zh = hashes.filter((hash) => hash.startsWith('zh:')).sort();
    expect(zh).toEqual(signedHashes(path.join(release.dir, names.sums)));
    expect(zh).toEqual(
      expect.arrayContaining([`zh:${sha256(path.join(release.dir, names.zip('linux_amd64')))}`, `zh:${sha256(path.join(release.dir, names.zip('linux_arm64')))}`]),
    );
    expect(hashes.filter((hash) => hash.startsWith('h1:'))).toHaveLength(2);
    expect(lock.stdout).toContain(`- Retrieved protector-iac/protector ${VERSION} for linux_amd64 (self-signed, key ID ${keyId})`);
    expect(lock.stdout).toContain(`- Retrieved protector-iac/protector ${VERSION} for linux_arm64 (self-signed, key ID ${keyId})`);
    // Extensionless documents served as application/octet-stream, like a plain static server does
    expect(server.requests).toEqual(expect.arrayContaining([`GET /v1/providers/protector-iac/protector/${VERSION}/download/linux/arm64 200`]));
  });

  test('terraform init installs it from the registry and says it is signed', async () => {
    const initDir = path.join(dir, 'init');
    const init = await terraformIn(initDir, 'protector-iac/protector', hostBlock, tls.ca)(['init', '-input=false']);

    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain(`- Installed protector-iac/protector v${VERSION} (self-signed, key ID ${keyId})`);
    expect(init.stdout).toContain('Partner and community providers are signed by their developers.');
    // The lock file records every platform's zh: hash even from a one-platform init
    expect(
      lockHashes(initDir)
        .filter((hash) => hash.startsWith('zh:'))
        .sort(),
    ).toEqual(signedHashes(path.join(release.dir, names.sums)));
  });

  test('a source address on the registry host itself finds it through service discovery, with no CLI configuration', async () => {
    const ownHostDir = path.join(dir, 'own-host');
    const source = `localhost:${server.port}/protector-iac/protector`;
    const init = await terraformIn(ownHostDir, source, '', tls.ca)(['init', '-input=false']);

    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain(`- Installed ${source} v${VERSION} (self-signed, key ID ${keyId})`);
    expect(server.requests).toContain('GET /.well-known/terraform.json 200');
  });

  test('terraform refuses a tampered zip, and a SHA256SUMS that does not match its signature', async () => {
    const versionDir = path.join(registry, ...PROVIDER_DIR, VERSION);
    const zip = path.join(versionDir, names.zip('linux_amd64'));
    const sums = path.join(versionDir, names.sums);
    const original = { zip: fs.readFileSync(zip), sums: fs.readFileSync(sums, 'utf8') };
    try {
      // WHEN the served zip is altered
      replaceFile(zip, Buffer.concat([original.zip, Buffer.from('tampered')]));
      const tamperedZip = await terraformIn(path.join(dir, 'tampered-zip'), 'protector-iac/protector', hostBlock, tls.ca)(['init', '-input=false']);
      // THEN terraform refuses it: its checksum is not the one the registry lists
      expect(tamperedZip.code).toBe(1);
      expect(tamperedZip.stderr).toContain('Error: Failed to install provider');
      expect(oneLine(tamperedZip.stderr)).toMatch(/archive has incorrect checksum zh:[0-9a-f]{64} \(expected zh:[0-9a-f]{64}\)/);

      // WHEN zip, download document and SHA256SUMS all agree again but SHA256SUMS is no longer what was signed
      replaceFile(zip, original.zip);
      replaceFile(sums, `${original.sums}${'0'.repeat(64)}  terraform-provider-protector_${VERSION}_extra.zip\n`);
      const unsigned = await terraformIn(path.join(dir, 'bad-signature'), 'protector-iac/protector', hostBlock, tls.ca)(['init', '-input=false']);
      // THEN terraform refuses the signature
      expect(unsigned.code).toBe(1);
      expect(unsigned.stderr).toContain('Error: Failed to install provider');
      expect(oneLine(unsigned.stderr)).toMatch(/error checking signature: openpgp: invalid signature/);
    } finally {
      replaceFile(zip, original.zip);
      replaceFile(sums, original.sums);
    }
  });
});
