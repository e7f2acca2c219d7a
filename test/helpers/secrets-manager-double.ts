/**
 * TEST DOUBLE of AWS Secrets Manager, for tests only: never used by the demo, never shipped.
 *
 * What it emulates: the Secrets Manager service endpoint (AWS JSON 1.1 protocol: `POST /`,
 * `Content-Type: application/x-amz-json-1.1`, operation in `X-Amz-Target: secretsmanager.<Op>`,
 * errors as HTTP 400 with `{"__type": ..., "message": ...}`), for the operations two real clients
 * were observed to call against it (recorded with this double, 2026-12-02):
 *   - the `hashicorp/aws` 5.100.0 provider (Terraform 1.11.4) creating, refreshing, replacing and
 *     destroying `aws_secretsmanager_secret` + `aws_secretsmanager_secret_version`
 *     (`secret_string_wo`): create = CreateSecret, DescribeSecret x2, GetResourcePolicy,
 *     PutSecretValue, GetSecretValue x2; a new `secret_string_wo_version` replaces the version
 *     resource = PutSecretValue plus reads (the old version only loses AWSCURRENT, to the new one);
 *     refresh = DescribeSecret, GetResourcePolicy, GetSecretValue (by VersionId); destroy =
 *     DeleteSecret, then DescribeSecret until ResourceNotFoundException;
 *   - `@aws-sdk/client-secrets-manager` v3 in `protector instance --aws-secret-id`: GetSecretValue.
 * Anything else is answered `UnknownOperationException` and recorded, so a test can tell when a
 * client starts calling something this double does not know.
 *
 * Every request must carry a SigV4 `Authorization` header (`AWS4-HMAC-SHA256 Credential=AKID/
 * yyyymmdd/<region>/secretsmanager/aws4_request, SignedHeaders=..., Signature=<64 hex>`) for the
 * static test key; the signature is recomputed with the static test secret and compared. Calls are
 * recorded by operation and secret, never with a secret value.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TEST_ACCESS_KEY_ID = 'AKIAPROTECTORTEST001';
export const TEST_SECRET_ACCESS_KEY = 'protector/test/secret/access/key/0000000000';
export const TEST_REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

interface RecordedCall {
  operation: string;
  /** The SecretId / Name the call named, when it named one. */
  secretId?: string;
  /** The access key id of the SigV4 credential. */
  accessKeyId: string;
  /** `x-amz-date` of the request. */
  signedAt: string;
  /** The HTTP status answered. */
  status: number;
  /** The User-Agent, to tell the provider's calls from the SDK's. */
  userAgent: string;
}

interface SecretVersion {
  versionId: string;
  value: string;
  stages: Set<string>;
  created: number;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: { Key: string; Value: string }[];
  versions: SecretVersion[];
  created: number;
  changed: number;
  deleted?: number;
}

export interface SecretsManagerDouble {
  /** `http://127.0.0.1:PORT`, for `endpoints { secretsmanager = ... }` or the SDK's endpoint. */
  url: string;
  calls: RecordedCall[];
  /** Requests refused because their signature was missing or wrong. */
  signatureFailures: string[];
  /** Versions of a secret (by name or ARN), oldest first, without values. */
  versions(secretId: string): { versionId: string; stages: string[] }[];
  /** The current value's fingerprint source: the value itself, for tests that compare with a token file. */
  currentValue(secretId: string): string | undefined;
  /** Every value the secret ever received, oldest first: a leak search's positive control (never print them). */
  storedValues(secretId: string): string[];
  /** Creates a secret directly (as if made outside Terraform), for the existing-secret path. Returns its ARN. */
  seedSecret(name: string): string;
  /** Puts a new AWSCURRENT value directly (as a rotation outside Terraform would). */
  putSecretValue(secretId: string, value: string): void;
  close(): Promise<void>;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startSecretsManagerDouble(): Promise<SecretsManagerDouble> {
  const secrets = new Map<string, Secret>();
  const calls: RecordedCall[] = [];
  const signatureFailures: string[] = [];

  const find = (secretId: unknown): Secret => {
    if (typeof secretId !== 'string' || secretId === '') throw new AwsError('InvalidParameterException', 'SecretId is required.');
    const secret = secrets.get(secretId) ?? [...secrets.values()].find((s) => s.arn === secretId || secretId.startsWith(`${s.arn.slice(0, -7)}`));
    if (!secret) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };
  const describe = (secret: Secret) => ({
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    ...(secret.tags.length ? { Tags: secret.tags } : {}),
    CreatedDate: secret.created / 1000,
    LastChangedDate: secret.changed / 1000,
    ...(secret.deleted !== undefined ? { DeletedDate: secret.deleted / 1000 } : {}),
    VersionIdsToStages: Object.fromEntries(secret.versions.filter((v) => v.stages.size > 0).map((v) => [v.versionId, [...v.stages]])),
  });
  const create = (name: string, input: Record<string, unknown> = {}): Secret => {
    if (secrets.has(name)) throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const now = Date.now();
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${TEST_REGION}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString('hex')}`,
      name,
      description: input.Description as string | undefined,
      kmsKeyId: input.KmsKeyId as string | undefined,
      tags: (input.Tags as { Key: string; Value: string }[] | undefined) ?? [],
      versions: [],
      created: now,
      changed: now,
    };
    secrets.set(name, secret);
    return secret;
  };
  const putValue = (secret: Secret, value: string, token: unknown) => {
    const versionId = typeof token === 'string' && token ? token : randomUUID();
    const existing = secret.versions.find((v) => v.versionId === versionId);
    if (existing) {
      // Idempotent retry with the same ClientRequestToken.
      if (existing.value !== value) throw new AwsError('ResourceExistsException', 'A version with this ClientRequestToken already exists with other contents.');
      return existing;
    }
    for (const version of secret.versions) {
      if (version.stages.delete('AWSPREVIOUS')) continue;
      if (version.stages.delete('AWSCURRENT')) version.stages.add('AWSPREVIOUS');
    }
    const version: SecretVersion = { versionId, value, stages: new Set(['AWSCURRENT']), created: Date.now() };
    secret.versions.push(version);
    secret.changed = version.created;
    return version;
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    CreateSecret: (input) => {
      if (typeof input.Name !== 'string') throw new AwsError('InvalidParameterException', 'Name is required.');
      const secret = create(input.Name, input);
      const version = typeof input.SecretString === 'string' ? putValue(secret, input.SecretString, input.ClientRequestToken) : undefined;
      return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) };
    },
    DescribeSecret: (input) => describe(find(input.SecretId)),
    GetResourcePolicy: (input) => {
      const secret = find(input.SecretId);
      return { ARN: secret.arn, Name: secret.name };
    },
    PutSecretValue: (input) => {
      const secret = find(input.SecretId);
      if (secret.deleted !== undefined) throw new AwsError('InvalidRequestException', 'The secret is scheduled for deletion.');
      if (typeof input.SecretString !== 'string') throw new AwsError('InvalidParameterException', 'SecretString is required.');
      const version = putValue(secret, input.SecretString, input.ClientRequestToken);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] };
    },
    GetSecretValue: (input) => {
      const secret = find(input.SecretId);
      if (secret.deleted !== undefined) throw new AwsError('InvalidRequestException', 'The secret is scheduled for deletion.');
      const version =
        typeof input.VersionId === 'string'
          ? secret.versions.find((v) => v.versionId === input.VersionId)
          : secret.versions.find((v) => v.stages.has(typeof input.VersionStage === 'string' ? input.VersionStage : 'AWSCURRENT'));
      if (!version) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        SecretString: version.value,
        VersionStages: [...version.stages],
        CreatedDate: version.created / 1000,
      };
    },
    DeleteSecret: (input) => {
      const secret = find(input.SecretId);
      if (input.ForceDeleteWithoutRecovery === true) secrets.delete(secret.name);
      else secret.deleted = Date.now();
      return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
    },
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks), response));
  });

  function handle(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target || '(none)';
    const answer = (status: number, payload: unknown, errorType?: string): void => {
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      response.end(JSON.stringify(payload));
    };
    let accessKeyId = '';
    let input: Record<string, unknown> = {};
    let status = 200;
    try {
      accessKeyId = verifySigV4(request, body);
      if (request.method !== 'POST' || !String(request.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
        throw new AwsError('UnknownOperationException', 'Expected POST with Content-Type application/x-amz-json-1.1.');
      }
      input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      const run = operations[operation];
      if (!run) throw new AwsError('UnknownOperationException', `This double does not emulate ${operation}.`);
      answer(200, run(input));
    } catch (error) {
      const failure = error instanceof AwsError ? error : new AwsError('InternalServiceError', error instanceof Error ? error.message : String(error), 500);
      if (failure.type === 'IncompleteSignature' || failure.type === 'SignatureDoesNotMatch' || failure.type === 'InvalidSignatureException') {
        signatureFailures.push(`${operation}: ${failure.message}`);
      }
      status = failure.status;
      answer(failure.status, { __type: failure.type, message: failure.message, Message: failure.message }, failure.type);
    }
    calls.push({
      operation,
      ...(typeof (input.SecretId ?? input.Name) === 'string' ? { secretId: (input.SecretId ?? input.Name) as string } : {}),
      accessKeyId,
      signedAt: String(request.headers['x-amz-date'] ?? ''),
      status,
      userAgent: String(request.headers['user-agent'] ?? ''),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    signatureFailures,
    versions: (secretId) => find(secretId).versions.map((v) => ({ versionId: v.versionId, stages: [...v.stages] })),
    currentValue: (secretId) => find(secretId).versions.find((v) => v.stages.has('AWSCURRENT'))?.value,
    storedValues: (secretId) => find(secretId).versions.map((v) => v.value),
    seedSecret: (name) => create(name).arn,
    putSecretValue: (secretId, value) => void putValue(find(secretId), value, undefined),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Checks the SigV4 header shape and credential scope, then recomputes the signature with the
 * static test secret. Returns the access key id.
 */
function verifySigV4(request: IncomingMessage, body: Buffer): string {
  const authorization = String(request.headers.authorization ?? '');
  const match = AUTHORIZATION.exec(authorization);
  if (!match)
    throw new AwsError('IncompleteSignature', 'The request has no SigV4 Authorization header (AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...).');
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date!))
    throw new AwsError('IncompleteSignature', 'X-Amz-Date is missing or does not match the credential scope date.');
  if (service !== 'secretsmanager') throw new AwsError('InvalidSignatureException', `Credential should be scoped to service secretsmanager, not ${service}.`);
  if (region !== TEST_REGION) throw new AwsError('InvalidSignatureException', `Credential should be scoped to region ${TEST_REGION}, not ${region}.`);
  if (accessKeyId !== TEST_ACCESS_KEY_ID) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) throw new AwsError('IncompleteSignature', 'host and x-amz-date must be signed.');

  const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const raw = request.headers[name];
      const value = Array.isArray(raw) ? raw.join(',') : String(raw ?? '');
      return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalQuery = [...url.searchParams]
    .map(([key, value]) => [encodeURIComponent(key), encodeURIComponent(value)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [request.method, url.pathname, canonicalQuery, canonicalHeaders, signedHeaderList, sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${TEST_SECRET_ACCESS_KEY}`, date!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
    throw new AwsError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
  return accessKeyId!;
}
