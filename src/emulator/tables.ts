/**
 * The emulator's state in memory: indexed (a heartbeat finds its token and instance by key, not
 * by scanning lists) and bounded (only what the contract lists is kept). Converts to and from
 * the `state.json` form in `state.ts`.
 *
 * Retention, so an emulator that runs for months (the embedded default of the demo, the tests
 * and the benchmarks) stays small and fast:
 * - per configuration, the active tokens and the {@link LISTED_REVOKED_TOKENS} most recently
 *   revoked ones (the token list shows no more); older revoked tokens are dropped;
 * - per configuration, the last {@link MAX_ACTIVITY_PER_CONFIGURATION} activity events;
 * - per configuration, at most {@link MAX_INSTANCES_PER_CONFIGURATION} instances (the least
 *   recently seen go first);
 * - a deleted configuration loses its instances at once; its tokens and last
 *   {@link MAX_ACTIVITY_PER_DELETED_CONFIGURATION} events stay readable until
 *   {@link MAX_DELETED_CONFIGURATIONS_KEPT} more recently deleted ones push it out;
 * - idempotency records for {@link IDEMPOTENCY_WINDOW_MS}.
 */
import { IDEMPOTENCY_WINDOW_MS, LISTED_REVOKED_TOKENS } from '../api/schemas';
import { emptyState, type EmulatorState, type IdempotencyRecord, type StoredActivity, type StoredConfiguration, type StoredInstance, type StoredToken } from './state';

/** Activity kept per configuration; the oldest events go first. */
export const MAX_ACTIVITY_PER_CONFIGURATION = 1000;
/** Activity kept of a deleted configuration. */
export const MAX_ACTIVITY_PER_DELETED_CONFIGURATION = 100;
/** Instances kept per configuration; the least recently seen go first. */
export const MAX_INSTANCES_PER_CONFIGURATION = 10_000;
/** Deleted configurations whose tokens and activity stay readable; older ones are forgotten. */
export const MAX_DELETED_CONFIGURATIONS_KEPT = 100;

export class StateTables {
  sequence = 0;
  tokensGenerated = 0;
  /** Live and deleted configurations, in creation order. */
  readonly configurations = new Map<string, StoredConfiguration>();
  /** Ids of deleted configurations still kept, oldest deletion first. */
  private readonly deleted: string[] = [];
  readonly tokens = new Map<string, StoredToken>();
  private readonly tokensByValue = new Map<string, StoredToken>();
  private readonly tokensByConfiguration = new Map<string, StoredToken[]>();
  /** Per configuration, instances in order of first appearance. */
  private readonly instances = new Map<string, Map<string, StoredInstance>>();
  private readonly activity = new Map<string, StoredActivity[]>();
  /** In insertion order, which is the order of `createdAtMs`: expired records sit at the front. */
  private readonly idempotency = new Map<string, IdempotencyRecord>();

  static from(state: EmulatorState = emptyState()): StateTables {
    const tables = new StateTables();
    tables.sequence = state.sequence;
    tables.tokensGenerated = state.tokensGenerated ?? state.tokens.length;
    for (const configuration of state.configurations) tables.configurations.set(configuration.connectionConfigurationId, configuration);
    for (const token of [...state.tokens].sort((a, b) => a.createdSeq - b.createdSeq)) tables.addToken(token);
    for (const instance of state.instances) tables.putInstance(instance);
    for (const event of state.activity) tables.addActivity(event);
    for (const record of [...state.idempotency].sort((a, b) => a.createdAtMs - b.createdAtMs)) tables.idempotency.set(record.key, record);
    // Older files kept everything: apply today's retention once on load.
    const deletedOldestFirst = state.configurations.filter((c) => c.deletedAt !== undefined).sort((a, b) => Date.parse(a.deletedAt!) - Date.parse(b.deletedAt!));
    for (const configuration of deletedOldestFirst) tables.markDeleted(configuration.connectionConfigurationId);
    for (const configId of tables.tokensByConfiguration.keys()) tables.pruneRevokedTokens(configId);
    return tables;
  }

  toState(): EmulatorState {
    const flatten = <T>(groups: Iterable<Iterable<T>>): T[] => {
      const all: T[] = [];
      for (const group of groups) all.push(...group);
      return all;
    };
    return {
      formatVersion: 1,
      sequence: this.sequence,
      tokensGenerated: this.tokensGenerated,
      configurations: [...this.configurations.values()],
      tokens: [...this.tokens.values()],
      instances: flatten([...this.instances.values()].map((byId) => byId.values())),
      activity: flatten(this.activity.values()),
      idempotency: [...this.idempotency.values()],
    };
  }

  // ---- tokens --------------------------------------------------------------------------------

  addToken(token: StoredToken): void {
    this.tokens.set(token.tokenId, token);
    this.tokensByValue.set(token.value, token);
    const ofConfiguration = this.tokensByConfiguration.get(token.connectionConfigurationId);
    if (ofConfiguration) ofConfiguration.push(token);
    else this.tokensByConfiguration.set(token.connectionConfigurationId, [token]);
  }

  tokenByValue(value: string): StoredToken | undefined {
    return this.tokensByValue.get(value);
  }

  /** Oldest first. */
  tokensOf(configId: string): readonly StoredToken[] {
    return this.tokensByConfiguration.get(configId) ?? [];
  }

  /** Keeps the configuration's active tokens and its most recently revoked ones (as many as the list shows). */
  pruneRevokedTokens(configId: string): void {
    const tokens = this.tokensByConfiguration.get(configId);
    if (!tokens) return;
    const revokedNewestFirst = tokens.filter((t) => t.status === 'REVOKED').sort((a, b) => (b.revokedSeq ?? 0) - (a.revokedSeq ?? 0));
    const dropped = new Set(revokedNewestFirst.slice(LISTED_REVOKED_TOKENS));
    if (dropped.size === 0) return;
    for (const token of dropped) {
      this.tokens.delete(token.tokenId);
      this.tokensByValue.delete(token.value);
    }
    this.tokensByConfiguration.set(
      configId,
      tokens.filter((t) => !dropped.has(t)),
    );
  }

  // ---- instances -----------------------------------------------------------------------------

  instance(configId: string, instanceId: string): StoredInstance | undefined {
    return this.instances.get(configId)?.get(instanceId);
  }

  /** In order of first appearance. */
  instancesOf(configId: string): Iterable<StoredInstance> {
    return this.instances.get(configId)?.values() ?? [];
  }

  putInstance(instance: StoredInstance): void {
    let byId = this.instances.get(instance.connectionConfigurationId);
    if (!byId) {
      byId = new Map();
      this.instances.set(instance.connectionConfigurationId, byId);
    }
    byId.set(instance.instanceId, instance);
    if (byId.size > MAX_INSTANCES_PER_CONFIGURATION) {
      let stalest: StoredInstance | undefined;
      for (const candidate of byId.values()) {
        if (!stalest || candidate.lastHeartbeatAt < stalest.lastHeartbeatAt) stalest = candidate;
      }
      byId.delete(stalest!.instanceId);
    }
  }

  // ---- activity ------------------------------------------------------------------------------

  addActivity(event: StoredActivity): void {
    const configId = event.connectionConfigurationId;
    let events = this.activity.get(configId);
    if (!events) {
      events = [];
      this.activity.set(configId, events);
    }
    events.push(event);
    if (events.length > MAX_ACTIVITY_PER_CONFIGURATION) events.splice(0, events.length - MAX_ACTIVITY_PER_CONFIGURATION);
  }

  /** Oldest first. */
  activityOf(configId: string): readonly StoredActivity[] {
    return this.activity.get(configId) ?? [];
  }

  // ---- deleted configurations ----------------------------------------------------------------

  /** Called once the configuration is marked deleted and its tokens revoked. */
  markDeleted(configId: string): void {
    this.instances.delete(configId);
    const events = this.activity.get(configId);
    if (events && events.length > MAX_ACTIVITY_PER_DELETED_CONFIGURATION) {
      events.splice(0, events.length - MAX_ACTIVITY_PER_DELETED_CONFIGURATION);
    }
    this.deleted.push(configId);
    while (this.deleted.length > MAX_DELETED_CONFIGURATIONS_KEPT) this.forget(this.deleted.shift()!);
  }

  private forget(configId: string): void {
    this.configurations.delete(configId);
    for (const token of this.tokensOf(configId)) {
      this.tokens.delete(token.tokenId);
      this.tokensByValue.delete(token.value);
    }
    this.tokensByConfiguration.delete(configId);
    this.instances.delete(configId);
    this.activity.delete(configId);
    // Idempotency records that name it stay until they expire: a replay then answers 404, never a new configuration.
  }

  // ---- idempotency ---------------------------------------------------------------------------

  idempotencyRecord(key: string, nowMs: number): IdempotencyRecord | undefined {
    this.expireIdempotencyRecords(nowMs);
    const record = this.idempotency.get(key);
    return record && record.createdAtMs > nowMs - IDEMPOTENCY_WINDOW_MS ? record : undefined;
  }

  rememberIdempotencyRecord(record: IdempotencyRecord): void {
    this.expireIdempotencyRecords(record.createdAtMs);
    this.idempotency.delete(record.key);
    this.idempotency.set(record.key, record);
  }

  private expireIdempotencyRecords(nowMs: number): void {
    const cutoff = nowMs - IDEMPOTENCY_WINDOW_MS;
    for (const [key, record] of this.idempotency) {
      if (record.createdAtMs > cutoff) break;
      this.idempotency.delete(key);
    }
  }
}
