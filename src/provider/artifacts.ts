/**
 * Where the built provider lives inside the package. Kept apart from bundle.ts so that reading a
 * path loads no build tool (the published package has no esbuild or protobufjs).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root';

/** The provider bundled into one file with a `node` shebang (`npm run build:provider`). */
export const PROVIDER_BUNDLE = join(PACKAGE_ROOT, 'dist', 'provider', 'terraform-provider-protector');

/** The platforms the provider ships a standalone executable for (Node single executable applications). */
export const EXECUTABLE_PLATFORMS = ['linux_amd64', 'linux_arm64'] as const;
export type ExecutablePlatform = (typeof EXECUTABLE_PLATFORMS)[number];

/** The standalone provider executable (Node and the provider in one file) for one platform. */
export function providerExecutable(platform: ExecutablePlatform): string {
  return join(PACKAGE_ROOT, 'dist', 'provider', platform, 'terraform-provider-protector');
}

/** Release files, in the layout and names of Terraform's provider releases. */
export const RELEASE_DIR = join(PACKAGE_ROOT, 'dist', 'release');
/** Declares the plugin protocol the provider speaks; a registry reads it from every release. */
export const REGISTRY_MANIFEST = join(PACKAGE_ROOT, 'terraform-registry-manifest.json');

export const releaseFiles = (version: string) => {
  const prefix = `terraform-provider-protector_${version}`;
  return {
    zip: (platform: string) => `${prefix}_${platform}.zip`,
    /** The file inside each zip: Terraform runs `terraform-provider-TYPE_vVERSION`. */
    executable: `terraform-provider-protector_v${version}`,
    manifest: `${prefix}_manifest.json`,
    sums: `${prefix}_SHA256SUMS`,
    signature: `${prefix}_SHA256SUMS.sig`,
    /** The ASCII-armored public key that verifies the signature: a provider registry serves it with each package. */
    signingKey: `${prefix}_signing_key.asc`,
  };
};
