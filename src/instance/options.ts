/**
 * The options of `protector instance`, checked at the boundary: each bad flag gets a message
 * saying what to pass instead.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { heartbeatBaseUrl } from '../api/heartbeat';
import { type DeploymentType, InstanceIdSchema } from '../api/schemas';

export interface InstanceOptions {
  /** API base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  /** Absolute path of the file that holds the token value. */
  tokenFile: string;
  instanceId: string;
  deploymentType: DeploymentType;
  intervalMs: number;
  version: string;
  /** Re-read the token file when it changes (default). False plays a stuck instance that keeps its first token. */
  follow: boolean;
}

export interface RawInstanceOptions {
  endpoint: string;
  tokenFile: string;
  id: string;
  deploymentType: string;
  interval: string;
  version: string;
  /** Default true. */
  follow?: boolean;
}

const MIN_INTERVAL_MS = 50;
const MAX_INTERVAL_MS = 60 * 60 * 1000;

export class InstanceUsageError extends UsageError {
  constructor(message: string) {
    super('INSTANCE_USAGE', message);
  }
}

export function parseInstanceOptions(raw: RawInstanceOptions): InstanceOptions {
  return {
    endpoint: parseEndpoint(raw.endpoint),
    tokenFile: resolve(raw.tokenFile),
    instanceId: parseInstanceId(raw.id),
    deploymentType: parseDeploymentType(raw.deploymentType),
    intervalMs: parseInterval(raw.interval),
    version: parseVersion(raw.version),
    follow: raw.follow ?? true,
  };
}

function parseEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InstanceUsageError(`--endpoint "${raw}" is not a URL; pass the API base URL, e.g. http://127.0.0.1:8080.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InstanceUsageError(`--endpoint must be an http or https URL; got scheme "${url.protocol}".`);
  }
  try {
    return heartbeatBaseUrl(raw);
  } catch {
    throw new InstanceUsageError(`--endpoint "${raw}" has a path or query; pass the API base URL, e.g. http://127.0.0.1:8080.`);
  }
}

function parseInstanceId(raw: string): string {
  const parsed = InstanceIdSchema.safeParse(raw);
  if (!parsed.success) throw new InstanceUsageError(`--id "${raw}" is not a valid instance id: ${parsed.error.issues[0]!.message}.`);
  return parsed.data;
}

function parseDeploymentType(raw: string): DeploymentType {
  const normalised = raw.trim().toUpperCase().replace(/-/g, '_');
  if (normalised === 'KUBERNETES' || normalised === 'REVERSE_PROXY') return normalised;
  throw new InstanceUsageError(`--deployment-type "${raw}" is not one of kubernetes, reverse_proxy.`);
}

/** `500ms`, `2s`, `1.5s`, `1m`, or a bare number of milliseconds. */
export function parseInterval(raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(raw);
  const ms = match ? Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(match[2] ?? 'ms') as 'ms' | 's' | 'm'] : NaN;
  if (!Number.isFinite(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new InstanceUsageError(
      `--interval "${raw}" is not a duration between ${MIN_INTERVAL_MS}ms and 1h; use e.g. 500ms, 2s or 1m.`,
    );
  }
  return Math.round(ms);
}

function parseVersion(raw: string): string {
  if (raw.length < 1 || raw.length > 64) throw new InstanceUsageError('--version must be 1 to 64 characters.');
  return raw;
}
