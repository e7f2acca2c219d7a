/**
 * The product rules that the provider, the constructs, the CLI and the docs share, defined once
 * next to the API contract they extend (./schemas holds what the API itself enforces: the
 * 2-token cap, id formats, name and target limits). Everything else imports these.
 */
import { UsageError } from '../errors';
import { durationMs } from './duration';

const DAY_MS = durationMs('1d');
const HOUR_MS = durationMs('1h');

// ---------------------------------------------------------------------------------------------
// Token rotation
// ---------------------------------------------------------------------------------------------

/** Tokens must be rotated at least once a year: a longer `rotation_period` is an error. */
export const MAX_ROTATION_PERIOD_DAYS = 365;
export const MAX_ROTATION_PERIOD_MS = MAX_ROTATION_PERIOD_DAYS * DAY_MS;

/** Rotating at least twice a year is recommended: a longer `rotation_period` gets a warning. */
export const RECOMMENDED_ROTATION_PERIOD_DAYS = 182;
export const RECOMMENDED_ROTATION_PERIOD_MS = RECOMMENDED_ROTATION_PERIOD_DAYS * DAY_MS;
export const RECOMMENDED_ROTATION_PERIOD = `${RECOMMENDED_ROTATION_PERIOD_DAYS}d`;

/** How long revoking an old token may wait for instances to move to the new one. */
export const DEFAULT_DRAIN_TIMEOUT = '10m';
export const MAX_DRAIN_TIMEOUT = '24h';
export const MAX_DRAIN_TIMEOUT_MS = durationMs(MAX_DRAIN_TIMEOUT);
export const MAX_DRAIN_TIMEOUT_HOURS = MAX_DRAIN_TIMEOUT_MS / HOUR_MS;

// ---------------------------------------------------------------------------------------------
// Provider configuration (the API client's timeout and retries)
// ---------------------------------------------------------------------------------------------

export const DEFAULT_REQUEST_TIMEOUT = '30s';
export const MIN_REQUEST_TIMEOUT = '1s';
export const MAX_REQUEST_TIMEOUT = '10m';
export const MIN_REQUEST_TIMEOUT_MS = durationMs(MIN_REQUEST_TIMEOUT);
export const MAX_REQUEST_TIMEOUT_MS = durationMs(MAX_REQUEST_TIMEOUT);

export const DEFAULT_MAX_RETRIES = 5;
export const MAX_RETRIES_LIMIT = 10;

/** An `.edgerc` section name, which is also the `<SECTION>` of `AKAMAI_<SECTION>_*` variables. */
export const EDGERC_SECTION_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const EDGERC_SECTION_HINT = 'a section name of letters, digits, "_", "." or "-"';

// ---------------------------------------------------------------------------------------------
// Provider address (where Terraform finds the provider)
// ---------------------------------------------------------------------------------------------

export const PROVIDER_HOSTNAME = 'registry.terraform.io';
export const PROVIDER_NAMESPACE = 'protector-iac';
export const PROVIDER_TYPE = 'protector';
export const PROVIDER_ADDRESS = `${PROVIDER_HOSTNAME}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;

/** Terraform's `OS_ARCH` for this machine, e.g. `linux_amd64`. The bundle is pure JS, so any works. */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const archNames: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  const tfArch = archNames[arch];
  if (!tfArch) throw new UsageError('UNSUPPORTED_PLATFORM', `Terraform has no provider platform for the CPU architecture "${arch}".`);
  return `${os}_${tfArch}`;
}
