/**
 * The instance's token from an AWS Secrets Manager secret, the way a reverse-proxy VM on AWS
 * gets it: read once at start (GetSecretValue of AWSCURRENT), then re-read every refresh
 * interval, as the AWS Secrets Manager Agent does with its cache TTL. A failed re-read keeps the
 * token it has. The AWS SDK is loaded only here, so other commands never load it.
 *
 * Region, endpoint and credentials come from the usual AWS settings (AWS_REGION, AWS_PROFILE,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ACCESS_KEY_ID, ...), or from the flags that override them.
 */
import type { GetSecretValueCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ExternalError } from '../errors';
import { fingerprintOf } from '../api/fingerprint';
import { TokenValueSchema } from '../api/schemas';
import { InstanceUsageError } from './options';
import type { TokenSource, TokenSourceEvent } from './token-source';

export interface AwsSecretOptions {
  /** Name or ARN of the secret. */
  secretId: string;
  /** Overrides the region from the environment or the shared config. */
  region?: string;
  /** Overrides the Secrets Manager endpoint, e.g. `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Time between re-reads. */
  refreshMs: number;
}

export class AwsSecretTokenSource implements TokenSource {
  readonly description: string;
  readonly initial: string;
  #value: string;
  #versionId: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #closed = false;
  /** Whether the last re-read failed: reported once per failure streak, not every interval. */
  #failing = false;

  private constructor(
    private readonly client: SecretsManagerClient,
    private readonly read: () => Promise<GetSecretValueCommandOutput>,
    private readonly options: AwsSecretOptions,
    private readonly onEvent: (event: TokenSourceEvent) => void,
    first: { value: string; versionId: string | undefined },
  ) {
    this.description = `AWS Secrets Manager secret ${options.secretId}`;
    this.initial = first.value;
    this.#value = first.value;
    this.#versionId = first.versionId;
  }

  /** Reads the secret once; a missing, unreadable or non-token secret fails here, before any heartbeat. */
  static async open(options: AwsSecretOptions, onEvent: (event: TokenSourceEvent) => void): Promise<AwsSecretTokenSource> {
    const { SecretsManagerClient, GetSecretValueCommand } = await loadSdk();
    const client = new SecretsManagerClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // One quick retry: the next interval is the real retry.
      maxAttempts: 2,
    });
    const read = () => client.send(new GetSecretValueCommand({ SecretId: options.secretId }), { abortSignal: AbortSignal.timeout(10_000) });
    let first: { value: string; versionId: string | undefined };
    try {
      first = tokenOf(await read(), options.secretId);
    } catch (error) {
      client.destroy();
      throw startError(error, options.secretId);
    }
    return new AwsSecretTokenSource(client, read, options, onEvent, first);
  }

  get fingerprint(): string {
    return fingerprintOf(this.#value);
  }

  current(): string {
    return this.#value;
  }

  /** Re-reads every refresh interval; the timer does not keep the process alive. */
  watch(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => {
      // Never two reads at once: a slow endpoint just skips a tick.
      if (this.#reading) return;
      this.#reading = this.refresh().finally(() => (this.#reading = undefined));
    }, this.options.refreshMs);
    this.#timer.unref();
  }

  /** Reads AWSCURRENT now; a new version with a valid token replaces the value, anything else keeps it. */
  async refresh(): Promise<void> {
    try {
      const next = tokenOf(await this.read(), this.options.secretId);
      this.#failing = false;
      if (this.#closed || (next.versionId === this.#versionId && next.value === this.#value)) return;
      this.#versionId = next.versionId;
      if (next.value !== this.#value) {
        this.#value = next.value;
        this.onEvent({ kind: 'changed', fingerprint: this.fingerprint });
      }
    } catch (error) {
      if (this.#closed || this.#failing) return;
      this.#failing = true;
      this.onEvent({ kind: 'unreadable', reason: reasonOf(error), keptFingerprint: this.fingerprint });
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.client.destroy();
  }
}

class SecretNotATokenError extends Error {}

function tokenOf(output: GetSecretValueCommandOutput, secretId: string): { value: string; versionId: string | undefined } {
  const value = output.SecretString?.trim();
  // The message never quotes the content: it may be a token.
  if (value === undefined || value === '') throw new SecretNotATokenError(`secret ${secretId} has no SecretString`);
  if (!TokenValueSchema.safeParse(value).success) throw new SecretNotATokenError(`the current value of secret ${secretId} is not a token value (32-512 characters)`);
  return { value, versionId: output.VersionId };
}

/** What went wrong, from the SDK's error name and HTTP status only (its messages may echo request data). */
function reasonOf(error: unknown): string {
  if (error instanceof SecretNotATokenError) return error.message;
  const name = error instanceof Error ? error.name : 'unknown error';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return `GetSecretValue failed: ${name}${status ? ` (HTTP ${status})` : ''}`;
}

const USAGE_FAILURES: Record<string, string> = {
  ResourceNotFoundException: 'the secret does not exist (or has no current value) in that account and region; check --aws-secret-id and --aws-region',
  AccessDeniedException: 'access denied: the credentials need secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key)',
  UnrecognizedClientException: 'the AWS credentials are not valid for that endpoint',
  InvalidSignatureException: 'the AWS credentials are not valid for that endpoint',
  CredentialsProviderError: 'no AWS credentials found; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or run on an instance with a role',
};

function startError(error: unknown, secretId: string): Error {
  if (error instanceof SecretNotATokenError) return new InstanceUsageError(`--aws-secret-id ${secretId}: ${error.message}. Put the token value into the secret first.`);
  const name = error instanceof Error ? error.name : '';
  if (name === 'Error' && /region is missing/i.test((error as Error).message)) {
    return new InstanceUsageError('--aws-secret-id needs a region: pass --aws-region or set AWS_REGION.');
  }
  const usage = USAGE_FAILURES[name];
  if (usage) return new InstanceUsageError(`--aws-secret-id ${secretId}: ${usage}.`);
  return new ExternalError(
    'AWS_SECRET_UNREADABLE',
    `--aws-secret-id ${secretId}: cannot read the secret (${reasonOf(error)}). Check the endpoint and network, then start the instance again.`,
  );
}

/** The SDK is an optional peer dependency: only this option needs it, so a package user may not have it. */
async function loadSdk(): Promise<typeof import('@aws-sdk/client-secrets-manager')> {
  try {
    return await import('@aws-sdk/client-secrets-manager');
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new InstanceUsageError('--aws-secret-id needs the AWS SDK for Secrets Manager: run `npm install @aws-sdk/client-secrets-manager` next to cdktf-protector.');
  }
}
