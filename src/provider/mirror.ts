/**
 * `protector provider mirror`: lays out released provider zips (see release.ts) for Terraform
 * in the two mirror formats it reads, and as a provider registry:
 *
 * - `packed/`: a packed filesystem mirror (HOST/NS/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip)
 *   for a `filesystem_mirror` block or a CI image;
 * - `network/`: the static files of Terraform's provider network mirror protocol
 *   (HOST/NS/TYPE/index.json listing the versions, HOST/NS/TYPE/VERSION.json listing each
 *   platform's zip with its `zh:` hash, and the zips) for any HTTPS server and a `network_mirror` block;
 * - `registry/`: the static files of Terraform's provider registry protocol (registry-layout.ts),
 *   which serve the signed SHA256SUMS, so lock files get every platform's `zh:` hash.
 *
 * Zips whose checksum differs from the release's SHA256SUMS are refused, and Terraform refuses a
 * zip served by the network mirror whose hash differs from the one listed in VERSION.json.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { PROVIDER_ADDRESS, PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE } from '../api/rules';
import { UsageError } from '../errors';
import { isSourceCheckout } from '../package-root';
import { releaseFiles } from './artifacts';
import { openpgpKeyId } from './openpgp-key';
import { PROVIDERS_PATH, registryLayout, VERSIONS_DOCUMENT, type RegistryRelease, type ReleasedZip } from './registry-layout';

export interface MirrorOptions {
  /** A folder with one release's files: the zips and `terraform-provider-protector_VERSION_SHA256SUMS`. */
  releaseDir: string;
  outDir: string;
}

export interface MirrorResult {
  version: string;
  platforms: string[];
  /** Root of the packed filesystem mirror (the `filesystem_mirror` path). */
  packedDir: string;
  /** Root of the network mirror's static files (what the HTTPS server serves at the mirror URL). */
  networkDir: string;
  /** Root of the provider registry's static files (what the HTTPS server serves at the root of its host). */
  registryDir: string;
}

const SUMS_FILE = /^terraform-provider-protector_(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)_SHA256SUMS$/;

export function writeMirror(options: MirrorOptions): MirrorResult {
  const releaseDir = resolve(options.releaseDir);
  const release = readRelease(releaseDir);
  const { version, zips } = release;
  const outDir = resolve(options.outDir);
  const providerPath = [PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE];
  const packed = join(outDir, 'packed', ...providerPath);
  const network = join(outDir, 'network', ...providerPath);
  for (const dir of [packed, network]) mkdirSync(dir, { recursive: true });

  for (const zip of zips) {
    for (const dir of [packed, network]) place(join(releaseDir, zip.file), join(dir, zip.file));
  }
  const archives = Object.fromEntries(zips.map((zip) => [zip.platform, { url: zip.file, hashes: [`zh:${zip.sha256}`] }]));
  writeFileSync(join(network, `${version}.json`), `${JSON.stringify({ archives }, null, 2)}\n`);
  // index.json lists every version the folder serves, so mirroring a new release keeps the older ones.
  const indexFile = join(network, 'index.json');
  const previous = existsSync(indexFile) ? (JSON.parse(readFileSync(indexFile, 'utf8')) as { versions?: Record<string, object> }).versions : undefined;
  writeFileSync(indexFile, `${JSON.stringify({ versions: { ...previous, [version]: {} } }, null, 2)}\n`);

  const registryDir = join(outDir, 'registry');
  writeRegistry(releaseDir, release, registryDir);

  return { version, platforms: zips.map((zip) => zip.platform), packedDir: join(outDir, 'packed'), networkDir: join(outDir, 'network'), registryDir };
}

function writeRegistry(releaseDir: string, release: RegistryRelease, registryDir: string): void {
  const versionsFile = join(registryDir, VERSIONS_DOCUMENT);
  const layout = registryLayout(release, existsSync(versionsFile) ? readFileSync(versionsFile, 'utf8') : undefined);
  for (const [path, content] of Object.entries(layout.documents)) {
    mkdirSync(dirname(join(registryDir, path)), { recursive: true });
    writeFileSync(join(registryDir, path), content);
  }
  for (const [path, file] of Object.entries(layout.files)) place(join(releaseDir, file), join(registryDir, path));
}

const registryManifest = z.object({ metadata: z.object({ protocol_versions: z.array(z.string()).nonempty() }) });

function readRelease(releaseDir: string): RegistryRelease {
  const listing = existsSync(releaseDir) ? readdirSync(releaseDir) : [];
  const sumsFiles = listing.filter((name) => SUMS_FILE.test(name));
  if (sumsFiles.length !== 1) {
    throw new UsageError(
      'RELEASE_NOT_FOUND',
      `${releaseDir} holds ${sumsFiles.length === 0 ? 'no' : 'more than one'} terraform-provider-protector_VERSION_SHA256SUMS file. ` +
        `Pass --release with the folder of one release: its zips and SHA256SUMS, as downloaded from a release${isSourceCheckout() ? ' (or built by `npm run release`)' : ''}.`,
    );
  }
  const version = (SUMS_FILE.exec(sumsFiles[0]) as RegExpExecArray)[1];
  const zipName = new RegExp(`^terraform-provider-protector_${version.replace(/\./g, '\\.')}_([a-z0-9]+_[a-z0-9]+)\\.zip$`);
  const zips: ReleasedZip[] = [];
  for (const line of readFileSync(join(releaseDir, sumsFiles[0]), 'utf8').split('\n')) {
    const [sha256, file] = line.trim().split(/\s+/);
    const platform = file ? zipName.exec(file)?.[1] : undefined;
    if (!platform) continue;
    const path = join(releaseDir, file);
    if (!existsSync(path)) throw new UsageError('RELEASE_INCOMPLETE', `${sumsFiles[0]} lists ${file}, which is not in ${releaseDir}. Download the whole release.`);
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (actual !== sha256) {
      throw new UsageError(
        'RELEASE_CHECKSUM_MISMATCH',
        `${file} does not match its checksum in ${sumsFiles[0]} (expected ${sha256}, got ${actual}): it is damaged or was altered. Download it again.`,
      );
    }
    zips.push({ file, platform, sha256 });
  }
  if (zips.length === 0) throw new UsageError('RELEASE_INCOMPLETE', `${sumsFiles[0]} lists no provider zip.`);

  const names = releaseFiles(version);
  const read = (file: string, why: string): string => {
    if (!existsSync(join(releaseDir, file))) throw new UsageError('RELEASE_INCOMPLETE', `${file} is not in ${releaseDir}: ${why}. Download the whole release.`);
    return readFileSync(join(releaseDir, file), 'utf8');
  };
  const manifest = registryManifest.safeParse(parseJson(read(names.manifest, 'it says which plugin protocol the provider speaks')));
  if (!manifest.success) {
    throw new UsageError('RELEASE_INCOMPLETE', `${names.manifest} in ${releaseDir} lists no plugin protocol (metadata.protocol_versions). Download the whole release.`);
  }
  read(names.signature, 'a provider registry serves the signature of SHA256SUMS');
  const asciiArmor = read(names.signingKey, 'a provider registry serves the public key that verifies the signature');
  return {
    version,
    protocols: manifest.data.metadata.protocol_versions,
    zips,
    sumsFile: sumsFiles[0],
    signatureFile: names.signature,
    signingKey: { keyId: openpgpKeyId(asciiArmor, join(releaseDir, names.signingKey)), asciiArmor },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A hard link where the filesystem allows it (the zips are ~40 MB each), else a copy. */
function place(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** The CLI configuration for the packed filesystem mirror at `packedDir`. */
export function packedMirrorConfig(packedDir: string): string {
  return installationBlock(['  filesystem_mirror {', `    path    = ${JSON.stringify(packedDir)}`, `    include = [${JSON.stringify(PROVIDER_ADDRESS)}]`, '  }']);
}

/** The CLI configuration for the network mirror served at `url` (ending in `/`). */
export function networkMirrorConfig(url: string): string {
  return installationBlock(['  network_mirror {', `    url     = ${JSON.stringify(url)}`, `    include = [${JSON.stringify(PROVIDER_ADDRESS)}]`, '  }']);
}

function installationBlock(mirror: string[]): string {
  return ['provider_installation {', ...mirror, '  direct {', `    exclude = [${JSON.stringify(PROVIDER_ADDRESS)}]`, '  }', '}', ''].join('\n');
}

/**
 * The CLI configuration that sends Terraform to the provider registry whose files are served at
 * `url` (the root of an HTTPS host, ending in `/`) for the provider's own address. It replaces
 * service discovery for the whole host registry.terraform.io (see docs/releasing.md).
 */
export function registryHostConfig(url: string): string {
  return [
    `host ${JSON.stringify(PROVIDER_HOSTNAME)} {`,
    '  services = {',
    `    "providers.v1" = ${JSON.stringify(new URL(PROVIDERS_PATH.slice(1), url).toString())}`,
    '  }',
    '}',
    '',
  ].join('\n');
}
