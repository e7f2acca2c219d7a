/**
 * The options of `protector instance`, checked at the boundary: each bad flag gets a message
 * saying what to pass instead.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { heartbeatBaseUrl } from '../api/heartbeat';
import { type DeploymentType, InstanceIdSchema } from '../api/schemas';
import type { AwsSecretOptions } from './aws-secret';

export interface InstanceOptions {
  /** API base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  /** Absolute path of the file that holds the token value (exactly one of `tokenFile` and `awsSecret`). */
  tokenFile?: string;
  /** The AWS Secrets Manager secret that holds the token value. */
  awsSecret?: AwsSecretOptions;
  instanceId: string;
  deploymentType: DeploymentType;
  intervalMs: number;
  version: string;
  /** Follow the token source (default). False plays a stuck instance that keeps its first token. */
  follow: boolean;
}

export interface RawInstanceOptions {
  endpoint: string;
  tokenFile?: string;
  awsSecretId?: string;
  awsRegion?: string;
  awsEndpoint?: string;
  awsRefreshInterval?: string;
  id: string;
  deploymentType: string;
  interval: string;
  version: string;
  /** Default true. */
  follow?: boolean;
}

export const DEFAULT_INTERVAL = '500ms';
export const DEFAULT_VERSION = '1.0.0-simulated';
/** The AWS Secrets Manager Agent's default cache TTL (300 s). */
export const DEFAULT_AWS_REFRESH_INTERVAL = '5m';
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
    ...parseTokenSource(raw),
    instanceId: parseInstanceId(raw.id),
    deploymentType: parseDeploymentType(raw.deploymentType),
    intervalMs: parseInterval(raw.interval),
    version: parseVersion(raw.version),
    follow: raw.follow ?? true,
  };
}

function parseTokenSource(raw: RawInstanceOptions): Pick<InstanceOptions, 'tokenFile' | 'awsSecret'> {
  const awsOnly = (['awsRegion', 'awsEndpoint', 'awsRefreshInterval'] as const).filter((key) => raw[key] !== undefined);
  if ((raw.tokenFile === undefined) === (raw.awsSecretId === undefined)) {
    throw new InstanceUsageError('pass exactly one of --token-file PATH (a VM or a mounted Secret) and --aws-secret-id ID (AWS Secrets Manager).');
  }
  if (raw.tokenFile !== undefined) {
    if (awsOnly.length > 0) {
      throw new InstanceUsageError(`${awsOnly.map(flagOf).join(', ')} only apply with --aws-secret-id; remove them or read the token from AWS.`);
    }
    return { tokenFile: resolve(raw.tokenFile) };
  }
  const secretId = raw.awsSecretId!.trim();
  if (!/^[A-Za-z0-9/_+=.@:-]{1,2048}$/.test(secretId)) {
    throw new InstanceUsageError(`--aws-secret-id "${raw.awsSecretId}" is not a secret name or ARN (letters, digits and / _ + = . @ - :).`);
  }
  if (raw.awsRegion !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(raw.awsRegion)) {
    throw new InstanceUsageError(`--aws-region "${raw.awsRegion}" is not an AWS region such as eu-west-1.`);
  }
  if (raw.awsEndpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(raw.awsEndpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new InstanceUsageError(`--aws-endpoint "${raw.awsEndpoint}" is not an http(s) URL such as https://secretsmanager.eu-west-1.amazonaws.com.`);
    }
  }
  return {
    awsSecret: {
      secretId,
      ...(raw.awsRegion !== undefined ? { region: raw.awsRegion } : {}),
      ...(raw.awsEndpoint !== undefined ? { endpoint: raw.awsEndpoint } : {}),
      refreshMs: parseInterval(raw.awsRefreshInterval ?? DEFAULT_AWS_REFRESH_INTERVAL, '--aws-refresh-interval'),
    },
  };
}

function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
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
export function parseInterval(raw: string, flag = '--interval'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(raw);
  const ms = match ? Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(match[2] ?? 'ms') as 'ms' | 's' | 'm'] : NaN;
  if (!Number.isFinite(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new InstanceUsageError(`${flag} "${raw}" is not a duration between ${MIN_INTERVAL_MS}ms and 1h; use e.g. 500ms, 2s or 1m.`);
  }
  return Math.round(ms);
}

function parseVersion(raw: string): string {
  if (raw.length < 1 || raw.length > 64) throw new InstanceUsageError('--version must be 1 to 64 characters.');
  return raw;
}
