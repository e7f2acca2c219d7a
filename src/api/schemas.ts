/**
 * The token API contract. These zod schemas are the single source of truth: the emulator
 * validates requests and builds responses with them, the client validates every response with
 * them, and `docs/api.md` describes them. Change the contract here first.
 *
 * Base path: `/protector/v1`. Management calls are signed with EdgeGrid (EG1-HMAC-SHA256);
 * the instance heartbeat authenticates with the token itself (`Authorization: Bearer <value>`).
 */
import * as z from 'zod';

export const API_BASE_PATH = '/protector/v1';

/** Maximum number of tokens that may be ACTIVE at once for one connection configuration. */
export const MAX_ACTIVE_TOKENS = 2;
/** How many of the most recently revoked tokens the token list shows. */
export const LISTED_REVOKED_TOKENS = 3;
/** How long an `Idempotency-Key` on token generation is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const DeploymentTypeSchema = z.enum(['KUBERNETES', 'REVERSE_PROXY']);
export type DeploymentType = z.infer<typeof DeploymentTypeSchema>;

/** RFC 3339 timestamp in UTC, e.g. `2026-12-01T10:00:00.000Z`. */
export const TimestampSchema = z.iso.datetime({ offset: true });

export const ConnectionConfigurationIdSchema = z.string().regex(/^ccfg_[0-9a-z]{10,40}$/, 'expected a connection configuration id such as "ccfg_8h2k4m9x1q"');
export const TokenIdSchema = z.string().regex(/^tok_[0-9a-z]{10,40}$/, 'expected a token id such as "tok_3n5p7r9t2v"');

/**
 * A token's fingerprint identifies it to a person (it is what logs, plans and reports show);
 * it is a truncated SHA-256 of the value and is never enough to use the token.
 */
export const FingerprintSchema = z.string().regex(/^sha256:[0-9a-f]{12}$/, 'expected a fingerprint such as "sha256:0123456789ab"');

/** The secret itself. Only ever sent in the body of a generate/create/value response. */
export const TokenValueSchema = z.string().min(32).max(512);

const ProtocolSchema = z.enum(['HTTP', 'HTTPS']);

// ---------------------------------------------------------------------------------------------
// Field rules, shared by the API, the provider and the constructs
// ---------------------------------------------------------------------------------------------

/**
 * Characters a person cannot see or that change how a terminal shows the text around them:
 * control characters (NUL, ESC of ANSI escapes, line breaks; Unicode Cc), invisible format
 * characters (bidi overrides and isolates U+202A-202E and U+2066-2069, zero-width characters,
 * soft hyphen, BOM; Unicode Cf), line and paragraph separators, lone surrogates and private-use
 * characters. A name or description holding one can display as something it is not.
 */
const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;

function visibleText(field: string) {
  return z
    .string()
    .refine(
      (text) => !HIDDEN_CHARACTER.test(text),
      `${field} must be visible text on one line: remove control characters (line breaks, tabs, NUL, ANSI escapes) and invisible formatting characters (bidi overrides, zero-width characters)`,
    );
}

/** A connection configuration's name: 1-128 visible characters (surrounding spaces are trimmed). */
export const ConfigurationNameSchema = visibleText('name')
  .trim()
  .min(1, 'name must not be empty; give the configuration a name such as "edge-production"')
  .max(128, 'name must be at most 128 characters; shorten it');

/** A free-text description: at most 1024 visible characters, on one line. */
export const DescriptionSchema = visibleText('description').max(1024, 'description must be at most 1024 characters; shorten it');

const ACCOUNT_ID = /^[A-Za-z0-9._:-]+$/;

/** The Akamai contract the configuration belongs to, e.g. `ctr_C-0N7RAC7`. */
export const ContractIdSchema = z
  .string()
  .min(1, 'contractId must not be empty; use your contract id such as "ctr_C-0N7RAC7"')
  .max(64, 'contractId must be at most 64 characters')
  .regex(ACCOUNT_ID, 'contractId may only hold A-Z a-z 0-9 . _ : - (a contract id such as "ctr_C-0N7RAC7")');

/** The Akamai group the configuration belongs to, e.g. `grp_12345`. */
export const GroupIdSchema = z
  .string()
  .min(1, 'groupId must not be empty; use your group id such as "grp_12345"')
  .max(64, 'groupId must be at most 64 characters')
  .regex(ACCOUNT_ID, 'groupId may only hold A-Z a-z 0-9 . _ : - (a group id such as "grp_12345")');

/** One DNS label: letters, digits and inner hyphens, 1-63 characters. */
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4_OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

function isHostNameOrIpv4(host: string): boolean {
  const labels = host.split('.');
  // A numeric last label is no top-level domain: the whole host must then be an IPv4 address.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return labels.length === 4 && labels.every((octet) => IPV4_OCTET.test(octet));
  return labels.every((label) => HOST_LABEL.test(label));
}

/** Where a reverse-proxy Protector forwards traffic: a DNS host name or an IPv4 address. */
const TargetHostSchema = z
  .string()
  .min(1, 'target host must not be empty; use a host name such as "origin.example.com" or an IPv4 address')
  .max(253, 'target host must be at most 253 characters')
  .refine(
    isHostNameOrIpv4,
    'target host must be a host name such as "origin.example.com" (labels of letters, digits and inner hyphens, separated by single dots, no trailing dot) or an IPv4 address such as "192.0.2.10"',
  );

/** Where a reverse-proxy Protector forwards traffic to. Reverse proxy deployments only. */
export const TargetSchema = z.strictObject({
  host: TargetHostSchema,
  ports: z
    .array(z.number().int().min(1).max(65535))
    .min(1)
    .max(16)
    .refine((ports) => new Set(ports).size === ports.length, 'expected each port once; remove the duplicates'),
  protocol: ProtocolSchema,
});
export type Target = z.infer<typeof TargetSchema>;

// ---------------------------------------------------------------------------------------------
// Connection configurations
// ---------------------------------------------------------------------------------------------

export const CreateConnectionConfigurationRequestSchema = z
  .strictObject({
    name: ConfigurationNameSchema,
    description: DescriptionSchema.optional(),
    deploymentType: DeploymentTypeSchema,
    contractId: ContractIdSchema,
    groupId: GroupIdSchema,
    target: TargetSchema.optional(),
  })
  .refine((req) => req.deploymentType === 'REVERSE_PROXY' || req.target === undefined, {
    path: ['target'],
    message: 'target is only valid for deploymentType REVERSE_PROXY; remove it for KUBERNETES',
  });
export type CreateConnectionConfigurationRequest = z.infer<typeof CreateConnectionConfigurationRequestSchema>;

/** PATCH body. Deployment type, contract and group are immutable: create a new configuration. */
export const UpdateConnectionConfigurationRequestSchema = z.strictObject({
  name: ConfigurationNameSchema.optional(),
  description: DescriptionSchema.nullable().optional(),
  target: TargetSchema.nullable().optional(),
});
export type UpdateConnectionConfigurationRequest = z.infer<typeof UpdateConnectionConfigurationRequestSchema>;

export const ConnectionConfigurationSchema = z.object({
  connectionConfigurationId: ConnectionConfigurationIdSchema,
  name: z.string(),
  description: z.string().optional(),
  deploymentType: DeploymentTypeSchema,
  contractId: z.string(),
  groupId: z.string(),
  target: TargetSchema.optional(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type ConnectionConfiguration = z.infer<typeof ConnectionConfigurationSchema>;

export const ConnectionConfigurationPageSchema = z.object({
  connectionConfigurations: z.array(ConnectionConfigurationSchema),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  totalItems: z.number().int().min(0),
});
export type ConnectionConfigurationPage = z.infer<typeof ConnectionConfigurationPageSchema>;

/** Query parameters arrive as text: only plain decimal digits are numbers here (not `1e3`, `0x10`). */
const QueryIntegerSchema = z
  .string()
  .regex(/^[0-9]{1,6}$/, 'expected a whole number such as 1 or 25')
  .transform(Number);

/** Unknown query parameters are refused: a misspelt `pagesize` must not silently mean the default. */
export const PageQuerySchema = z.strictObject({
  page: QueryIntegerSchema.pipe(z.number().int().min(1)).default(1),
  pageSize: QueryIntegerSchema.pipe(z.number().int().min(1).max(100)).default(25),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

const TokenStatusSchema = z.enum(['ACTIVE', 'REVOKED']);

const RevokeReasonSchema = z.enum(['MANUAL', 'LICENSE_EXPIRED', 'CONFIGURATION_DELETED']);
export type RevokeReason = z.infer<typeof RevokeReasonSchema>;

/** A token's metadata. Never carries the value. */
export const TokenSchema = z.object({
  tokenId: TokenIdSchema,
  connectionConfigurationId: ConnectionConfigurationIdSchema,
  status: TokenStatusSchema,
  fingerprint: FingerprintSchema,
  deploymentType: DeploymentTypeSchema,
  createdAt: TimestampSchema,
  revokedAt: TimestampSchema.optional(),
  revokeReason: RevokeReasonSchema.optional(),
});
export type Token = z.infer<typeof TokenSchema>;

/** A token together with its secret value: the answer to generate, create and show. */
export const TokenWithValueSchema = TokenSchema.extend({ value: TokenValueSchema });
export type TokenWithValue = z.infer<typeof TokenWithValueSchema>;

export const TokenListSchema = z.object({
  /** At most {@link MAX_ACTIVE_TOKENS}, oldest first. */
  active: z.array(TokenSchema),
  /** The {@link LISTED_REVOKED_TOKENS} most recently revoked, newest first. */
  revoked: z.array(TokenSchema),
});
export type TokenList = z.infer<typeof TokenListSchema>;

export const TokenValueResponseSchema = z.object({
  tokenId: TokenIdSchema,
  fingerprint: FingerprintSchema,
  value: TokenValueSchema,
});
export type TokenValueResponse = z.infer<typeof TokenValueResponseSchema>;

export const CreateConnectionConfigurationResponseSchema = z.object({
  connectionConfiguration: ConnectionConfigurationSchema,
  /** The initial token, generated automatically with the configuration. */
  token: TokenWithValueSchema,
});
export type CreateConnectionConfigurationResponse = z.infer<typeof CreateConnectionConfigurationResponseSchema>;

/** Header that makes token generation safe to retry. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IdempotencyKeySchema = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'expected 8-128 characters from A-Z a-z 0-9 . _ : -');

// ---------------------------------------------------------------------------------------------
// Instances and heartbeats
// ---------------------------------------------------------------------------------------------

const InstanceStatusSchema = z.enum(['GOOD', 'WARNING', 'PROBLEM']);
export type InstanceStatus = z.infer<typeof InstanceStatusSchema>;

export const InstanceIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'expected an instance id from A-Z a-z 0-9 . _ : -');

/** The Protector version an instance reports; shown in instance lists and the activity log. */
const InstanceVersionSchema = visibleText('version')
  .min(1, 'version must not be empty; send the Protector version such as "1.4.2"')
  .max(64, 'version must be at most 64 characters');

const InstanceSchema = z.object({
  instanceId: InstanceIdSchema,
  tokenId: TokenIdSchema,
  tokenFingerprint: FingerprintSchema,
  version: z.string(),
  lastHeartbeatAt: TimestampSchema,
  status: InstanceStatusSchema,
});
export type Instance = z.infer<typeof InstanceSchema>;

export const InstanceListSchema = z.object({ instances: z.array(InstanceSchema) });
export type InstanceList = z.infer<typeof InstanceListSchema>;

export const HeartbeatRequestSchema = z.strictObject({
  instanceId: InstanceIdSchema,
  deploymentType: DeploymentTypeSchema,
  version: InstanceVersionSchema,
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequestSchema>;

export const HeartbeatResponseSchema = z.object({
  connectionConfigurationId: ConnectionConfigurationIdSchema,
  tokenId: TokenIdSchema,
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Activity (audit log)
// ---------------------------------------------------------------------------------------------

const ActivityTypeSchema = z.enum([
  'CONFIGURATION_CREATED',
  'CONFIGURATION_UPDATED',
  'CONFIGURATION_DELETED',
  'TOKEN_GENERATED',
  'TOKEN_REVOKED',
  'INSTANCE_FIRST_SEEN',
  'AUTHENTICATION_FAILED',
  /** An instance's heartbeat came with another token than its previous one (it moved to a new token). */
  'INSTANCE_TOKEN_CHANGED',
]);
export type ActivityType = z.infer<typeof ActivityTypeSchema>;

export const ActivityEventSchema = z.object({
  eventId: z.string(),
  type: ActivityTypeSchema,
  at: TimestampSchema,
  tokenId: TokenIdSchema.optional(),
  tokenFingerprint: FingerprintSchema.optional(),
  instanceId: z.string().optional(),
  revokeReason: RevokeReasonSchema.optional(),
  /** Human-readable detail; never contains a token value. */
  detail: z.string().optional(),
});
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;

export const ActivityLogSchema = z.object({ events: z.array(ActivityEventSchema) });
export type ActivityLog = z.infer<typeof ActivityLogSchema>;

// ---------------------------------------------------------------------------------------------
// Errors: RFC 9457 problem details
// ---------------------------------------------------------------------------------------------

const PROBLEM_BASE = 'https://problems.protector-iac.dev/';

/** One `type` URI for each rule a request can break. */
export const ProblemTypes = {
  maxActiveTokens: `${PROBLEM_BASE}max-active-tokens`,
  lastActiveToken: `${PROBLEM_BASE}last-active-token`,
  deploymentTypeMismatch: `${PROBLEM_BASE}deployment-type-mismatch`,
  notFound: `${PROBLEM_BASE}not-found`,
  validation: `${PROBLEM_BASE}validation`,
  unauthorized: `${PROBLEM_BASE}unauthorized`,
  rateLimited: `${PROBLEM_BASE}rate-limited`,
  tokenNotActive: `${PROBLEM_BASE}token-not-active`,
  idempotencyKeyReused: `${PROBLEM_BASE}idempotency-key-reused`,
  internal: `${PROBLEM_BASE}internal`,
} as const;
export type ProblemTypeName = keyof typeof ProblemTypes;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** Extension on max-active-tokens: the tokens that are active now (no values). */
  activeTokens: z.array(TokenSchema).optional(),
  /** Extension on validation: one entry per invalid field. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

const enc = encodeURIComponent;

/** Every path of the contract, built in one place so the client and the emulator agree. */
export const ApiPaths = {
  configurations: () => `${API_BASE_PATH}/connection-configurations`,
  configuration: (configId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}`,
  tokens: (configId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}/tokens`,
  token: (configId: string, tokenId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}/tokens/${enc(tokenId)}`,
  tokenValue: (configId: string, tokenId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}/tokens/${enc(tokenId)}/value`,
  revokeToken: (configId: string, tokenId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}/tokens/${enc(tokenId)}/revoke`,
  instances: (configId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}/instances`,
  activity: (configId: string) => `${API_BASE_PATH}/connection-configurations/${enc(configId)}/activity`,
  heartbeat: () => `${API_BASE_PATH}/instances/heartbeat`,
} as const;
