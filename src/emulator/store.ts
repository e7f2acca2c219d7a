/**
 * The emulator's state and every product rule, in one synchronous place. No method awaits:
 * Node runs one at a time, so a rule check and the change it guards can never interleave with
 * another request (two concurrent generates cannot both see "one active token").
 *
 * Inputs are already validated (see `routes.ts`); broken rules throw an `ApiProblem`.
 * Every change of a configuration or a token bumps `revision`, which tells the server that a
 * snapshot must be persisted before it answers. What heartbeats change (instances, and the
 * activity they record) bumps `heartbeatRevision` instead: the server persists that within a
 * short interval without making the instance wait for the disk.
 */
import { createHash } from 'node:crypto';
import {
  LISTED_REVOKED_TOKENS,
  MAX_ACTIVE_TOKENS,
  type ActivityLog,
  type ActivityType,
  type ConnectionConfiguration,
  type ConnectionConfigurationPage,
  type CreateConnectionConfigurationRequest,
  type CreateConnectionConfigurationResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type InstanceList,
  type InstanceStatus,
  type PageQuery,
  type RevokeReason,
  type Token,
  type TokenList,
  type TokenValueResponse,
  type TokenWithValue,
  type UpdateConnectionConfigurationRequest,
} from '../api/schemas';
import { fingerprintOf } from '../api/fingerprint';
import type { EmulatorStats } from './control-schemas';
import { Problems } from './problems';
import { base36Id, newTokenValue, type Clock, type RandomSource } from './random';
import { type EmulatorState, type IdempotencyRecord, type StoredActivity, type StoredConfiguration, type StoredToken } from './state';
import { StateTables } from './tables';

/** An instance is GOOD while its last heartbeat is younger than this. */
const INSTANCE_GOOD_WITHIN_MS = 30_000;
/** ...and WARNING until this; older (or with a revoked token) it is a PROBLEM. */
export const INSTANCE_WARNING_WITHIN_MS = 5 * 60_000;
const CREATE_TARGET = 'connection-configurations';

export interface StoreOptions {
  clock: Clock;
  random: RandomSource;
  state?: EmulatorState;
}

export interface Replayable<T> {
  result: T;
  /** True when an `Idempotency-Key` matched an earlier request and nothing new was created. */
  replayed: boolean;
}

export class EmulatorStore {
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly tables: StateTables;
  /** Bumped by every change of a configuration or token; the server persists it before answering. */
  revision = 0;
  /** Bumped by every change a heartbeat makes; the server persists it within a short interval. */
  heartbeatRevision = 0;

  constructor(options: StoreOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.tables = StateTables.from(options.state);
  }

  /** The state as JSON, for persistence. */
  serialize(): string {
    return JSON.stringify(this.tables.toState());
  }

  // -------------------------------------------------------------------------------------------
  // Connection configurations
  // -------------------------------------------------------------------------------------------

  createConfiguration(request: CreateConnectionConfigurationRequest, idempotencyKey?: string): Replayable<CreateConnectionConfigurationResponse> {
    const requestHash = hashOf(request);
    if (idempotencyKey !== undefined) {
      const earlier = this.findIdempotencyRecord(idempotencyKey, CREATE_TARGET, requestHash);
      if (earlier) {
        const configuration = this.liveConfiguration(earlier.connectionConfigurationId);
        const token = this.activeTokenCreatedUnderKey(earlier);
        return { result: { connectionConfiguration: viewConfiguration(configuration), token: withValue(token) }, replayed: true };
      }
    }

    const now = this.nowIso();
    const configuration: StoredConfiguration = {
      connectionConfigurationId: `ccfg_${base36Id(this.random)}`,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      deploymentType: request.deploymentType,
      contractId: request.contractId,
      groupId: request.groupId,
      ...(request.target !== undefined ? { target: request.target } : {}),
      createdAt: now,
      updatedAt: now,
    };
    this.tables.configurations.set(configuration.connectionConfigurationId, configuration);
    this.record(configuration.connectionConfigurationId, 'CONFIGURATION_CREATED', {
      detail: `Connection configuration "${configuration.name}" created (${configuration.deploymentType}).`,
    });
    const token = this.addToken(configuration);
    if (idempotencyKey !== undefined) this.rememberIdempotencyKey(idempotencyKey, CREATE_TARGET, requestHash, token);
    this.changed();
    return { result: { connectionConfiguration: viewConfiguration(configuration), token: withValue(token) }, replayed: false };
  }

  listConfigurations(query: PageQuery): ConnectionConfigurationPage {
    const live = this.liveConfigurations();
    const start = (query.page - 1) * query.pageSize;
    return {
      connectionConfigurations: live.slice(start, start + query.pageSize).map(viewConfiguration),
      page: query.page,
      pageSize: query.pageSize,
      totalItems: live.length,
    };
  }

  getConfiguration(configId: string): ConnectionConfiguration {
    return viewConfiguration(this.liveConfiguration(configId));
  }

  updateConfiguration(configId: string, patch: UpdateConnectionConfigurationRequest): ConnectionConfiguration {
    const configuration = this.liveConfiguration(configId);
    if (patch.target !== undefined && patch.target !== null && configuration.deploymentType !== 'REVERSE_PROXY') {
      throw Problems.validation([
        {
          path: 'target',
          message: `target is only valid for deploymentType REVERSE_PROXY; this configuration is ${configuration.deploymentType}`,
        },
      ]);
    }
    const changedFields: string[] = [];
    if (patch.name !== undefined && patch.name !== configuration.name) {
      configuration.name = patch.name;
      changedFields.push('name');
    }
    if (patch.description !== undefined && patch.description !== (configuration.description ?? null)) {
      if (patch.description === null) delete configuration.description;
      else configuration.description = patch.description;
      changedFields.push('description');
    }
    if (patch.target !== undefined && hashOf(patch.target) !== hashOf(configuration.target ?? null)) {
      if (patch.target === null) delete configuration.target;
      else configuration.target = patch.target;
      changedFields.push('target');
    }
    if (changedFields.length > 0) {
      configuration.updatedAt = this.nowIso();
      this.record(configId, 'CONFIGURATION_UPDATED', { detail: `Changed: ${changedFields.join(', ')}.` });
      this.changed();
    }
    return viewConfiguration(configuration);
  }

  /** Deletes the configuration and revokes every token it has (reason CONFIGURATION_DELETED). */
  deleteConfiguration(configId: string): void {
    const configuration = this.liveConfiguration(configId);
    for (const token of this.tokensOf(configId)) {
      if (token.status === 'ACTIVE') this.revoke(token, 'CONFIGURATION_DELETED');
    }
    configuration.deletedAt = this.nowIso();
    this.record(configId, 'CONFIGURATION_DELETED', { detail: `Connection configuration "${configuration.name}" deleted.` });
    this.tables.pruneRevokedTokens(configId);
    this.tables.markDeleted(configId);
    this.changed();
  }

  // -------------------------------------------------------------------------------------------
  // Tokens
  // -------------------------------------------------------------------------------------------

  listTokens(configId: string): TokenList {
    this.liveConfiguration(configId);
    const tokens = this.tokensOf(configId);
    return {
      active: tokens
        .filter((t) => t.status === 'ACTIVE')
        .sort((a, b) => a.createdSeq - b.createdSeq)
        .map(viewToken),
      revoked: tokens
        .filter((t) => t.status === 'REVOKED')
        .sort((a, b) => (b.revokedSeq ?? 0) - (a.revokedSeq ?? 0))
        .slice(0, LISTED_REVOKED_TOKENS)
        .map(viewToken),
    };
  }

  /** Answers for tokens of deleted configurations too, so a client can tell why a token went away. */
  getToken(configId: string, tokenId: string): Token {
    return viewToken(this.findToken(configId, tokenId));
  }

  getTokenValue(configId: string, tokenId: string): TokenValueResponse {
    const token = this.findToken(configId, tokenId);
    if (token.status !== 'ACTIVE') throw Problems.tokenNotActive(tokenId);
    return { tokenId: token.tokenId, fingerprint: token.fingerprint, value: token.value };
  }

  generateToken(configId: string, idempotencyKey?: string): Replayable<TokenWithValue> {
    const configuration = this.liveConfiguration(configId);
    // The key check comes before the cap: a retry of a generation that succeeded must get its
    // token back even though that token now fills the second active slot.
    const requestHash = hashOf(null);
    if (idempotencyKey !== undefined) {
      const earlier = this.findIdempotencyRecord(idempotencyKey, configId, requestHash);
      if (earlier) return { result: withValue(this.activeTokenCreatedUnderKey(earlier)), replayed: true };
    }
    const active = this.activeTokensOf(configId);
    if (active.length >= MAX_ACTIVE_TOKENS) throw Problems.maxActiveTokens(configId, active.map(viewToken), MAX_ACTIVE_TOKENS);
    const token = this.addToken(configuration);
    if (idempotencyKey !== undefined) this.rememberIdempotencyKey(idempotencyKey, configId, requestHash, token);
    this.changed();
    return { result: withValue(token), replayed: false };
  }

  /** Revoking an already revoked token succeeds unchanged, so a retry is harmless. */
  revokeToken(configId: string, tokenId: string): Token {
    const token = this.findToken(configId, tokenId);
    if (token.status === 'REVOKED') return viewToken(token);
    if (this.activeTokensOf(configId).length <= 1) throw Problems.lastActiveToken(configId, tokenId);
    this.revoke(token, 'MANUAL');
    this.tables.pruneRevokedTokens(configId);
    this.changed();
    return viewToken(token);
  }

  // -------------------------------------------------------------------------------------------
  // Instances, heartbeats and activity
  // -------------------------------------------------------------------------------------------

  /** Finds the active token an instance presents; 401 for an unknown or revoked one. */
  authenticateInstance(tokenValue: string | undefined): StoredToken {
    const token = tokenValue ? this.tables.tokenByValue(tokenValue) : undefined;
    if (!token) throw Problems.unauthorized('Send a valid token as "Authorization: Bearer <token value>".');
    if (token.status !== 'ACTIVE') {
      this.record(token.connectionConfigurationId, 'AUTHENTICATION_FAILED', {
        tokenId: token.tokenId,
        tokenFingerprint: token.fingerprint,
        detail: `An instance presented revoked token ${token.fingerprint}.`,
      });
      this.heartbeatChanged();
      throw Problems.unauthorized(`Token ${token.fingerprint} is revoked (${token.revokeReason}); register an active token of the connection configuration.`);
    }
    return token;
  }

  recordHeartbeat(token: StoredToken, heartbeat: HeartbeatRequest): HeartbeatResponse {
    const configId = token.connectionConfigurationId;
    if (heartbeat.deploymentType !== token.deploymentType) {
      this.record(configId, 'AUTHENTICATION_FAILED', {
        tokenId: token.tokenId,
        tokenFingerprint: token.fingerprint,
        instanceId: heartbeat.instanceId,
        detail: `Instance reported deployment type ${heartbeat.deploymentType}, but the token is for ${token.deploymentType}.`,
      });
      this.heartbeatChanged();
      throw Problems.deploymentTypeMismatch(
        `Token ${token.fingerprint} was generated for ${token.deploymentType} and cannot be used by a ${heartbeat.deploymentType} ` +
          "instance. Use a token of a connection configuration with the instance's deployment type.",
      );
    }
    const now = this.nowIso();
    const known = this.tables.instance(configId, heartbeat.instanceId);
    if (known) {
      // Recorded so that a rotation can be audited: every instance moved before the old token was revoked.
      if (known.tokenId !== token.tokenId) {
        this.record(configId, 'INSTANCE_TOKEN_CHANGED', {
          instanceId: heartbeat.instanceId,
          tokenId: token.tokenId,
          tokenFingerprint: token.fingerprint,
          detail: `Instance ${heartbeat.instanceId} moved from token ${known.tokenFingerprint} to ${token.fingerprint}.`,
        });
      }
      known.tokenId = token.tokenId;
      known.tokenFingerprint = token.fingerprint;
      known.version = heartbeat.version;
      known.lastHeartbeatAt = now;
    } else {
      this.tables.putInstance({
        connectionConfigurationId: configId,
        instanceId: heartbeat.instanceId,
        tokenId: token.tokenId,
        tokenFingerprint: token.fingerprint,
        version: heartbeat.version,
        firstSeenAt: now,
        lastHeartbeatAt: now,
      });
      this.record(configId, 'INSTANCE_FIRST_SEEN', {
        instanceId: heartbeat.instanceId,
        tokenId: token.tokenId,
        tokenFingerprint: token.fingerprint,
        detail: `Instance ${heartbeat.instanceId} (version ${heartbeat.version}) first seen.`,
      });
    }
    this.heartbeatChanged();
    return { connectionConfigurationId: configId, tokenId: token.tokenId };
  }

  listInstances(configId: string): InstanceList {
    this.liveConfiguration(configId);
    const now = this.clock();
    return {
      instances: [...this.tables.instancesOf(configId)].map((i) => ({
        instanceId: i.instanceId,
        tokenId: i.tokenId,
        tokenFingerprint: i.tokenFingerprint,
        version: i.version,
        lastHeartbeatAt: i.lastHeartbeatAt,
        status: this.instanceStatus(now - Date.parse(i.lastHeartbeatAt), this.tables.tokens.get(i.tokenId)?.status === 'ACTIVE'),
      })),
    };
  }

  /** Oldest first. Readable after the configuration is deleted: an audit log outlives what it audits. */
  listActivity(configId: string): ActivityLog {
    if (!this.tables.configurations.has(configId)) throw Problems.configurationNotFound(configId);
    return { events: this.tables.activityOf(configId).map(({ connectionConfigurationId: _omit, ...event }) => event) };
  }

  // -------------------------------------------------------------------------------------------
  // Test-only controls
  // -------------------------------------------------------------------------------------------

  /** The license expires: every active token (of one configuration, or all) is revoked. */
  expireLicense(configId?: string): number {
    const configurations = configId === undefined ? this.liveConfigurations() : [this.liveConfiguration(configId)];
    let revoked = 0;
    for (const configuration of configurations) {
      for (const token of this.activeTokensOf(configuration.connectionConfigurationId)) {
        this.revoke(token, 'LICENSE_EXPIRED');
        revoked += 1;
      }
      this.tables.pruneRevokedTokens(configuration.connectionConfigurationId);
    }
    if (revoked > 0) this.changed();
    return revoked;
  }

  stats(): Pick<EmulatorStats, 'configurations' | 'tokensGenerated' | 'activeTokens'> {
    let activeTokens = 0;
    for (const token of this.tables.tokens.values()) if (token.status === 'ACTIVE') activeTokens += 1;
    return { configurations: this.liveConfigurations().length, tokensGenerated: this.tables.tokensGenerated, activeTokens };
  }

  // -------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------

  private changed(): void {
    this.revision += 1;
  }

  private heartbeatChanged(): void {
    this.heartbeatRevision += 1;
  }

  private liveConfigurations(): StoredConfiguration[] {
    const live: StoredConfiguration[] = [];
    for (const configuration of this.tables.configurations.values()) if (configuration.deletedAt === undefined) live.push(configuration);
    return live;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  private nextSeq(): number {
    this.tables.sequence += 1;
    return this.tables.sequence;
  }

  private instanceStatus(ageMs: number, tokenActive: boolean): InstanceStatus {
    if (!tokenActive || ageMs >= INSTANCE_WARNING_WITHIN_MS) return 'PROBLEM';
    return ageMs < INSTANCE_GOOD_WITHIN_MS ? 'GOOD' : 'WARNING';
  }

  private liveConfiguration(configId: string): StoredConfiguration {
    const configuration = this.tables.configurations.get(configId);
    if (!configuration || configuration.deletedAt !== undefined) throw Problems.configurationNotFound(configId);
    return configuration;
  }

  private tokensOf(configId: string): readonly StoredToken[] {
    return this.tables.tokensOf(configId);
  }

  private activeTokensOf(configId: string): StoredToken[] {
    return this.tokensOf(configId)
      .filter((t) => t.status === 'ACTIVE')
      .sort((a, b) => a.createdSeq - b.createdSeq);
  }

  private findToken(configId: string, tokenId: string): StoredToken {
    const token = this.tables.tokens.get(tokenId);
    if (!token || token.connectionConfigurationId !== configId) {
      if (!this.tables.configurations.has(configId)) {
        throw Problems.configurationNotFound(configId);
      }
      throw Problems.tokenNotFound(configId, tokenId);
    }
    return token;
  }

  private addToken(configuration: StoredConfiguration): StoredToken {
    const value = newTokenValue(this.random);
    const token: StoredToken = {
      tokenId: `tok_${base36Id(this.random)}`,
      connectionConfigurationId: configuration.connectionConfigurationId,
      status: 'ACTIVE',
      fingerprint: fingerprintOf(value),
      deploymentType: configuration.deploymentType,
      createdAt: this.nowIso(),
      value,
      createdSeq: this.nextSeq(),
    };
    this.tables.addToken(token);
    this.tables.tokensGenerated += 1;
    this.record(configuration.connectionConfigurationId, 'TOKEN_GENERATED', {
      tokenId: token.tokenId,
      tokenFingerprint: token.fingerprint,
      detail: `Token ${token.fingerprint} generated.`,
    });
    return token;
  }

  private revoke(token: StoredToken, reason: RevokeReason): void {
    token.status = 'REVOKED';
    token.revokedAt = this.nowIso();
    token.revokeReason = reason;
    token.revokedSeq = this.nextSeq();
    this.record(token.connectionConfigurationId, 'TOKEN_REVOKED', {
      tokenId: token.tokenId,
      tokenFingerprint: token.fingerprint,
      revokeReason: reason,
      detail: `Token ${token.fingerprint} revoked (${reason}).`,
    });
  }

  private record(configId: string, type: ActivityType, fields: Omit<StoredActivity, 'eventId' | 'type' | 'at' | 'connectionConfigurationId'>): void {
    this.tables.addActivity({ eventId: `evt_${base36Id(this.random)}`, type, at: this.nowIso(), connectionConfigurationId: configId, ...fields });
  }

  /**
   * The earlier request made with this key, if any; refuses a key reused for something else.
   * No answer names the key: a secret pasted into the header (a token value is a valid key) must
   * not come back in a problem that ends up in a log.
   */
  private findIdempotencyRecord(key: string, target: string, requestHash: string): IdempotencyRecord | undefined {
    const record = this.tables.idempotencyRecord(key, this.clock());
    if (!record) return undefined;
    if (record.target !== target) {
      throw Problems.idempotencyKeyReused(`The Idempotency-Key was already used for ${describeTarget(record.target)}; send a new key for each distinct request.`);
    }
    if (record.requestHash !== requestHash) {
      throw Problems.idempotencyKeyReused('The Idempotency-Key was already used with a different request body; send a new key for each distinct request.');
    }
    return record;
  }

  private rememberIdempotencyKey(key: string, target: string, requestHash: string, token: StoredToken): void {
    this.tables.rememberIdempotencyRecord({
      key,
      target,
      requestHash,
      createdAtMs: this.clock(),
      connectionConfigurationId: token.connectionConfigurationId,
      tokenId: token.tokenId,
    });
  }

  private activeTokenCreatedUnderKey(record: IdempotencyRecord): StoredToken {
    const token = this.tables.tokens.get(record.tokenId);
    if (!token || token.status !== 'ACTIVE') {
      throw Problems.tokenNotActive(
        record.tokenId,
        `The token created under this Idempotency-Key (${record.tokenId}) has been revoked since; ` + 'its value is gone. Send a new key to generate a new token.',
      );
    }
    return token;
  }
}

function describeTarget(target: string): string {
  return target === CREATE_TARGET ? 'creating a connection configuration' : `generating a token of ${target}`;
}

function viewConfiguration(configuration: StoredConfiguration): ConnectionConfiguration {
  const { deletedAt: _deletedAt, ...view } = configuration;
  return view;
}

function viewToken(token: StoredToken): Token {
  const { value: _value, createdSeq: _c, revokedSeq: _r, ...view } = token;
  return view;
}

function withValue(token: StoredToken): TokenWithValue {
  return { ...viewToken(token), value: token.value };
}

/** SHA-256 of a canonical JSON form (object keys sorted), to compare requests. */
function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
