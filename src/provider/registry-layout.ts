/**
 * The static files of Terraform's provider registry protocol for one release: what a plain HTTPS
 * file server needs to act as the provider's registry. Unlike a mirror, a registry hands Terraform
 * the release's signed SHA256SUMS, so `terraform providers lock` records the `zh:` hash of every
 * platform's zip, and `terraform init` checks the signature.
 *
 *   .well-known/terraform.json                      service discovery: providers.v1 at /v1/providers/
 *   v1/providers/NS/TYPE/versions                   every version with its protocols and platforms
 *   v1/providers/NS/TYPE/VERSION/download/OS/ARCH   one package: its zip, SHA256SUMS, signature, key
 *   v1/providers/NS/TYPE/VERSION/<release files>    the zips, SHA256SUMS and its signature
 *
 * `versions` and `ARCH` are files without an extension: the protocol fixes those URLs, and a file
 * is what every static server can serve there (a folder with an index file would be redirected to
 * its `/` form, which moves what relative URLs resolve against). Terraform reads them whatever
 * their Content-Type. The URLs inside are relative (Terraform resolves them against the document's
 * own URL), so the folder works under any host name.
 */
import { posix } from 'node:path';
import * as z from 'zod';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE } from '../api/rules';
import { UsageError } from '../errors';

export interface ReleasedZip {
  file: string;
  /** OS_ARCH, e.g. linux_amd64. */
  platform: string;
  sha256: string;
}

export interface RegistryRelease {
  version: string;
  /** Plugin protocol versions, from the release's registry manifest. */
  protocols: string[];
  zips: ReleasedZip[];
  sumsFile: string;
  signatureFile: string;
  signingKey: { keyId: string; asciiArmor: string };
}

export interface RegistryLayout {
  /** JSON documents to write, by path relative to the registry root. */
  documents: Record<string, string>;
  /** Release files to place, by path relative to the registry root: the release file's name. */
  files: Record<string, string>;
}

/** Where service discovery points `providers.v1`; the host block of the CLI configuration uses the same path. */
export const PROVIDERS_PATH = '/v1/providers/';
export const VERSIONS_DOCUMENT = posix.join(PROVIDERS_PATH.slice(1), PROVIDER_NAMESPACE, PROVIDER_TYPE, 'versions');

const versionsDocument = z.object({
  versions: z.array(
    z.object({
      version: z.string(),
      protocols: z.array(z.string()),
      platforms: z.array(z.object({ os: z.string(), arch: z.string() })),
    }),
  ),
});
type VersionsDocument = z.infer<typeof versionsDocument>;

/**
 * The registry files for `release`. `previousVersions` is the content of an existing `versions`
 * document in the same folder: its other versions stay listed, so the folder keeps serving them.
 */
export function registryLayout(release: RegistryRelease, previousVersions?: string): RegistryLayout {
  const versionDir = posix.join(posix.dirname(VERSIONS_DOCUMENT), release.version);
  const platforms = release.zips.map((zip) => platformOf(zip.platform));
  const documents: Record<string, string> = {
    '.well-known/terraform.json': json({ 'providers.v1': PROVIDERS_PATH }),
    [VERSIONS_DOCUMENT]: json(withVersion(parsePrevious(previousVersions), { version: release.version, protocols: release.protocols, platforms })),
  };
  const files: Record<string, string> = {};
  for (const file of [...release.zips.map((zip) => zip.file), release.sumsFile, release.signatureFile]) files[posix.join(versionDir, file)] = file;

  for (const zip of release.zips) {
    const { os, arch } = platformOf(zip.platform);
    // Relative to .../VERSION/download/OS/ARCH: two levels up is VERSION/, where the release files are.
    const sibling = (file: string) => `../../${file}`;
    documents[posix.join(versionDir, 'download', os, arch)] = json({
      protocols: release.protocols,
      os,
      arch,
      filename: zip.file,
      download_url: sibling(zip.file),
      shasums_url: sibling(release.sumsFile),
      shasums_signature_url: sibling(release.signatureFile),
      shasum: zip.sha256,
      signing_keys: { gpg_public_keys: [{ key_id: release.signingKey.keyId, ascii_armor: release.signingKey.asciiArmor }] },
    });
  }
  return { documents, files };
}

function platformOf(platform: string): { os: string; arch: string } {
  const [os, arch] = platform.split('_');
  return { os, arch };
}

function parsePrevious(content: string | undefined): VersionsDocument {
  if (content === undefined) return { versions: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    parsed = undefined;
  }
  const result = versionsDocument.safeParse(parsed);
  if (!result.success) {
    throw new UsageError(
      'REGISTRY_VERSIONS_UNREADABLE',
      `registry/${VERSIONS_DOCUMENT} in the --out folder is not a provider registry versions document. Remove it (or the whole registry/ folder) and mirror every release again.`,
    );
  }
  return result.data;
}

function withVersion(document: VersionsDocument, entry: VersionsDocument['versions'][number]): VersionsDocument {
  return { versions: [...document.versions.filter((existing) => existing.version !== entry.version), entry] };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
