/**
 * Lays the provider bundle out as a Terraform filesystem mirror
 * (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION), so `terraform init`
 * finds `protector-iac/protector` with no network, and says which CLI configuration uses it.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PROVIDER_ADDRESS, PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE, terraformPlatform } from '../api/rules';
import { UsageError } from '../errors';
import { isSourceCheckout, PACKAGE_ROOT, packageVersion } from '../package-root';
import { PROVIDER_BUNDLE } from './artifacts';

export { PROVIDER_ADDRESS, PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE, terraformPlatform };

/** Terraform's implied local mirror for the current user; used when no `--mirror` is given. */
export function defaultMirrorDir(): string {
  return join(homedir(), '.terraform.d', 'plugins');
}

export interface InstallOptions {
  /** Mirror root; default {@link defaultMirrorDir}. */
  mirrorDir?: string;
  /** Default: package.json's version. Tests bump it so lock files never pin an older build. */
  version?: string;
  /** Rebuild the bundle even when it exists. */
  rebuild?: boolean;
  /** Use this bundle instead of building dist/provider/terraform-provider-protector. */
  bundlePath?: string;
}

export interface InstallResult {
  mirrorDir: string;
  installedPath: string;
  version: string;
  platform: string;
  /** The `provider_installation` block of a Terraform CLI configuration that uses this mirror. */
  cliConfig: string;
}

export async function installProvider(options: InstallOptions = {}): Promise<InstallResult> {
  const bundlePath = options.bundlePath ?? PROVIDER_BUNDLE;
  if (!options.bundlePath && options.rebuild) await rebuild(bundlePath);
  else if (!options.bundlePath && !existsSync(bundlePath) && isSourceCheckout()) await rebuild(bundlePath);
  if (!existsSync(bundlePath)) throw bundleMissing(bundlePath, Boolean(options.bundlePath));

  const version = options.version ?? packageVersion();
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new UsageError('INVALID_PROVIDER_VERSION', `Expected a provider version such as 1.2.3, got "${version}".`);
  }
  const mirrorDir = resolve(options.mirrorDir ?? defaultMirrorDir());
  const platform = terraformPlatform();
  const installedPath = join(mirrorDir, PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE, version, platform, `terraform-provider-${PROVIDER_TYPE}_v${version}`);
  mkdirSync(dirname(installedPath), { recursive: true });
  copyFileSync(bundlePath, installedPath);
  chmodSync(installedPath, 0o755);
  return { mirrorDir, installedPath, version, platform, cliConfig: cliConfigFor(mirrorDir) };
}

export function cliConfigFor(mirrorDir: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = [${JSON.stringify(PROVIDER_ADDRESS)}]`,
    '  }',
    '  direct {',
    `    exclude = [${JSON.stringify(PROVIDER_ADDRESS)}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Builds the bundle; only a clone has the sources and build tools for it. */
async function rebuild(bundlePath: string): Promise<void> {
  if (!isSourceCheckout()) {
    throw new UsageError(
      'PROVIDER_REBUILD_UNAVAILABLE',
      `This installed cdktf-protector package (${PACKAGE_ROOT}) ships the provider prebuilt and cannot rebuild it. Run the command without --rebuild.`,
    );
  }
  // Loaded here: the bundler and the .proto compiler are dev dependencies of a clone.
  const { buildProvider } = require('./bundle') as typeof import('./bundle');
  await buildProvider(bundlePath);
}

function bundleMissing(bundlePath: string, given: boolean): UsageError {
  const fix = given
    ? 'Pass the path of an existing provider executable.'
    : `The installed cdktf-protector package (${PACKAGE_ROOT}) is incomplete: reinstall it (\`npm install cdktf-protector\`).`;
  return new UsageError('PROVIDER_BUNDLE_MISSING', `No provider executable at ${bundlePath}. ${fix}`);
}

// The constructs reach src/provider/ only through this module (test/unit/architecture).
export { packageHashH1, withProviderLock } from './lock-file';
