/**
 * The emulator's whole state, as kept in memory and written to `state.json`. A zod schema, so
 * a snapshot from disk is checked before the emulator trusts it.
 */
import * as z from 'zod';
import {
  ActivityEventSchema,
  ConnectionConfigurationIdSchema,
  ConnectionConfigurationSchema,
  FingerprintSchema,
  TimestampSchema,
  TokenIdSchema,
  TokenSchema,
  TokenValueSchema,
} from '../api/schemas';

const StoredConfigurationSchema = ConnectionConfigurationSchema.extend({
  deletedAt: TimestampSchema.optional(),
});
export type StoredConfiguration = z.infer<typeof StoredConfigurationSchema>;

const StoredTokenSchema = TokenSchema.extend({
  value: TokenValueSchema,
  /** Global sequence numbers: timestamps can tie within a millisecond, order must not. */
  createdSeq: z.number().int(),
  revokedSeq: z.number().int().optional(),
});
export type StoredToken = z.infer<typeof StoredTokenSchema>;

const StoredInstanceSchema = z.object({
  connectionConfigurationId: ConnectionConfigurationIdSchema,
  instanceId: z.string(),
  tokenId: TokenIdSchema,
  tokenFingerprint: FingerprintSchema,
  version: z.string(),
  firstSeenAt: TimestampSchema,
  lastHeartbeatAt: TimestampSchema,
});
export type StoredInstance = z.infer<typeof StoredInstanceSchema>;

const StoredActivitySchema = ActivityEventSchema.extend({
  connectionConfigurationId: ConnectionConfigurationIdSchema,
});
export type StoredActivity = z.infer<typeof StoredActivitySchema>;

/** What an `Idempotency-Key` produced, so a retry gets the same answer. */
const IdempotencyRecordSchema = z.object({
  key: z.string(),
  /** `connection-configurations` for a create, the configuration id for a token generation. */
  target: z.string(),
  /** Hash of the request body: the same key with a different request is refused. */
  requestHash: z.string(),
  createdAtMs: z.number(),
  connectionConfigurationId: ConnectionConfigurationIdSchema,
  tokenId: TokenIdSchema,
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;

export const EmulatorStateSchema = z.object({
  formatVersion: z.literal(1),
  sequence: z.number().int().min(0),
  /** Tokens ever generated; revoked tokens beyond the listed ones are dropped, this count is not. Absent in older files. */
  tokensGenerated: z.number().int().min(0).optional(),
  configurations: z.array(StoredConfigurationSchema),
  tokens: z.array(StoredTokenSchema),
  instances: z.array(StoredInstanceSchema),
  activity: z.array(StoredActivitySchema),
  idempotency: z.array(IdempotencyRecordSchema),
});
export type EmulatorState = z.infer<typeof EmulatorStateSchema>;

export function emptyState(): EmulatorState {
  return { formatVersion: 1, sequence: 0, tokensGenerated: 0, configurations: [], tokens: [], instances: [], activity: [], idempotency: [] };
}
