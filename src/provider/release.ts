/**
 * The provider's release files, in the format of Terraform provider releases (what a provider
 * registry publishes and `terraform init` verifies): per platform
 * `terraform-provider-protector_VERSION_OS_ARCH.zip` holding `terraform-provider-protector_vVERSION`,
 * the registry manifest (plugin protocol 6.0), `..._SHA256SUMS` over all of them, its detached
 * GPG signature `..._SHA256SUMS.sig`, and the signing key's public half `..._signing_key.asc`
 * (a provider registry serves it with every package; see registry-layout.ts). Build-time only:
 * it needs the standalone executables.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { ZipFile } from 'yazl';
import { UsageError } from '../errors';
import { packageVersion } from '../package-root';
import { REGISTRY_MANIFEST, RELEASE_DIR, releaseFiles, type ExecutablePlatform } from './artifacts';

const run = promisify(execFile);

/** Every zip gets this timestamp, so the same executable always gives the same zip (and the same `zh:` hash). */
const ZIP_ENTRY_TIME = new Date(Date.UTC(2020, 0, 1));

export interface ReleaseOptions {
  /** The standalone executable of each platform to release. */
  executables: Partial<Record<ExecutablePlatform, string>>;
  /** The GPG key (id, fingerprint or e-mail) that signs SHA256SUMS. */
  signingKey: string;
  /** GPG's home folder holding the key; default GnuPG's own (`$GNUPGHOME` or `~/.gnupg`). */
  gnupgHome?: string;
  /** Default dist/release/VERSION. */
  outDir?: string;
  /** Default: package.json's version. */
  version?: string;
}

export interface ReleaseResult {
  dir: string;
  version: string;
  /** The signed files in `dir`: what SHA256SUMS lists, then SHA256SUMS and its signature. */
  files: string[];
  /** The file in `dir` holding the ASCII-armored public key that verifies the signature. */
  signingKey: string;
}

export async function buildRelease(options: ReleaseOptions): Promise<ReleaseResult> {
  const version = options.version ?? packageVersion();
  const dir = options.outDir ?? join(RELEASE_DIR, version);
  const names = releaseFiles(version);
  const platforms = Object.keys(options.executables).sort() as ExecutablePlatform[];
  if (platforms.length === 0) throw new UsageError('RELEASE_WITHOUT_PLATFORMS', 'A release needs the executable of at least one platform.');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const released: string[] = [];
  for (const platform of platforms) {
    const zip = new ZipFile();
    // Unix mode in the zip: Terraform keeps it when it unpacks, so the executable stays executable.
    zip.addFile(options.executables[platform] as string, names.executable, { mode: 0o100755, mtime: ZIP_ENTRY_TIME, forceDosTimestamp: true });
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(join(dir, names.zip(platform))));
    released.push(names.zip(platform));
  }
  copyFileSync(REGISTRY_MANIFEST, join(dir, names.manifest));
  released.push(names.manifest);

  writeFileSync(join(dir, names.sums), sha256Sums(dir, released));
  await sign(join(dir, names.sums), join(dir, names.signature), options.signingKey, options.gnupgHome);
  // Exported by the release, where the key is at hand, so that laying out a registry later needs no keyring.
  writeFileSync(join(dir, names.signingKey), await exportPublicKey(options.signingKey, options.gnupgHome));
  return { dir, version, files: [...released, names.sums, names.signature], signingKey: names.signingKey };
}

/** `sha256sum` output: `HEX  NAME` lines, sorted by name. */
function sha256Sums(dir: string, files: readonly string[]): string {
  return [...files]
    .sort()
    .map(
      (file) =>
        `${createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest('hex')}  ${file}\n`,
    )
    .join('');
}

function gpgEnv(gnupgHome: string | undefined): NodeJS.ProcessEnv {
  return gnupgHome ? { ...process.env, GNUPGHOME: gnupgHome } : process.env;
}

async function sign(file: string, signature: string, key: string, gnupgHome: string | undefined): Promise<void> {
  const env = gpgEnv(gnupgHome);
  try {
    await run('gpg', ['--batch', '--yes', '--local-user', key, '--output', signature, '--detach-sign', file], { env });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new UsageError(
      'RELEASE_SIGNING_FAILED',
      `gpg could not sign ${file} with the key "${key}": ${detail}. Check the key id and GNUPGHOME (see docs/releasing.md).`,
    );
  }
}

/** The public key only, without third-party signatures on it: what Terraform needs to check the signature. */
async function exportPublicKey(key: string, gnupgHome: string | undefined): Promise<string> {
  const { stdout } = await run('gpg', ['--batch', '--armor', '--export-options', 'export-minimal', '--export', key], { env: gpgEnv(gnupgHome) });
  if (!stdout.includes('BEGIN PGP PUBLIC KEY BLOCK')) {
    throw new UsageError('RELEASE_SIGNING_FAILED', `gpg exported no public key for "${key}". Check the key id and GNUPGHOME (see docs/releasing.md).`);
  }
  return stdout;
}
