/**
 * `data "protector_tokens"`: the tokens of a connection configuration, active and recently revoked.
 * Metadata only: a token value never passes through this data source.
 */
import type { Token } from '../../api/schemas';
import { connectionConfigurationId } from '../validators';
import type { AttributeType, HandlerContext, ModelOf, ObjectSchema, ValueOf } from '../provider-deps';
import { defineDataSource } from '../provider-deps';

const TOKEN_OBJECT = [
  'object',
  {
    id: 'string',
    fingerprint: 'string',
    status: 'string',
    deployment_type: 'string',
    created_at: 'string',
    revoked_at: 'string',
    revoke_reason: 'string',
  },
] as const satisfies AttributeType;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const schema = {
  attributes: {
    connection_configuration_id: {
      type: 'string',
      required: true,
      description: 'The id of the connection configuration whose tokens to list, such as `ccfg_8h2k4m9x1q`.',
      validate: connectionConfigurationId,
    },
    id: {
      type: 'string',
      computed: true,
      description: 'The connection configuration id (the data source has no identity of its own).',
    },
    active: {
      type: ['list', TOKEN_OBJECT],
      computed: true,
      description:
        'The active tokens, oldest first (at most 2). Each has `id`, `fingerprint` (`sha256:` and 12 hex digits, ' +
        'enough to tell tokens apart and useless for authenticating), `status`, `deployment_type` (`kubernetes` or ' +
        '`reverse_proxy`), `created_at`, and null `revoked_at` and `revoke_reason`.',
    },
    revoked: {
      type: ['list', TOKEN_OBJECT],
      computed: true,
      description:
        'The 3 most recently revoked tokens, newest first, with the same fields; `revoke_reason` is `MANUAL`, ' + '`LICENSE_EXPIRED` or `CONFIGURATION_DELETED`.',
    },
  },
} as const satisfies ObjectSchema;

// ---------------------------------------------------------------------------------------------
// Read
// ---------------------------------------------------------------------------------------------

async function read(config: TokensModel, ctx: HandlerContext): Promise<TokensModel> {
  const tokens = await ctx.deps.api.listTokens(config.connection_configuration_id);
  return {
    connection_configuration_id: config.connection_configuration_id,
    id: config.connection_configuration_id,
    active: tokens.active.map(tokenObject),
    revoked: tokens.revoked.map(tokenObject),
  };
}

// ---------------------------------------------------------------------------------------------
// State model
// ---------------------------------------------------------------------------------------------

type TokenObject = ValueOf<typeof TOKEN_OBJECT>;

export type TokensModel = ModelOf<typeof schema>;

export const tokensDataSource = defineDataSource<TokensModel>({
  typeName: 'protector_tokens',
  description:
    'Lists the tokens of a connection configuration: the active ones and the 3 most recently revoked, with their ' +
    'fingerprints and revoke reasons. It never reads a token value.',
  schema,
  read,
});

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

function tokenObject(token: Token): TokenObject {
  return {
    id: token.tokenId,
    fingerprint: token.fingerprint,
    status: token.status,
    deployment_type: token.deploymentType === 'KUBERNETES' ? 'kubernetes' : 'reverse_proxy',
    created_at: token.createdAt,
    revoked_at: token.revokedAt ?? null,
    revoke_reason: token.revokeReason ?? null,
  };
}
