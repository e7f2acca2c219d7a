/**
 * `protector_token_value` (ephemeral): the value of a token, read from the API whenever a plan or
 * an apply needs it and never written to state or plan files. It feeds write-only attributes
 * (`kubernetes_secret_v1.data_wo`, `aws_secretsmanager_secret_version.secret_string_wo`), so a
 * token can be registered without Terraform storing it anywhere.
 */
import { NotFoundError, TokenNotActiveError } from '../../api/errors';
import type { HandlerContext, ModelOf, ObjectSchema } from '../provider-deps';
import { defineEphemeralResource } from '../provider-deps';
import { connectionConfigurationId, tokenId } from '../validators';

const TOKEN_VALUE_TYPE = 'protector_token_value';

const schema = {
  attributes: {
    connection_configuration_id: {
      type: 'string',
      required: true,
      description: 'The connection configuration the token belongs to, usually `protector_token.NAME.connection_configuration_id`.',
      validate: connectionConfigurationId,
    },
    token_id: {
      type: 'string',
      required: true,
      description:
        'The token whose value to read, usually `protector_token.NAME.id`. While a rotation is planned the id is unknown, and so is the value until the apply has created the new token.',
      validate: tokenId,
    },
    value: {
      type: 'string',
      computed: true,
      sensitive: true,
      description:
        'The secret token value. Ephemeral: Terraform allows it only in write-only attributes, provider configuration, locals and other ephemeral blocks, and never stores it in state or plan files.',
    },
    fingerprint: {
      type: 'string',
      computed: true,
      description: 'Identifies the token to people and logs (`sha256:` and 12 hex digits); useless for authenticating.',
    },
  },
} as const satisfies ObjectSchema;

export type TokenValueModel = ModelOf<typeof schema>;

async function open(config: TokenValueModel, ctx: HandlerContext): Promise<TokenValueModel> {
  const { connection_configuration_id: configId, token_id: id } = config;
  try {
    const { value, fingerprint } = await ctx.deps.api.getTokenValue(configId, id);
    ctx.log.info('read token value', { token_id: id, fingerprint });
    return { ...config, value, fingerprint };
  } catch (error) {
    if (error instanceof NotFoundError) {
      ctx.diagnostics.error(
        'Token Not Found',
        `Token ${id} of connection configuration ${configId} does not exist, so its value cannot be read. ` +
          'Set token_id to a token of that configuration, usually protector_token.NAME.id (the data source protector_tokens lists them).',
        ['token_id'],
      );
      return config;
    }
    if (error instanceof TokenNotActiveError) {
      ctx.diagnostics.error(
        'Token Revoked',
        `Token ${id} of connection configuration ${configId} was revoked, and a revoked token's value can no longer be read. ` +
          'If protector_token manages it, run terraform apply with refresh on (the default): the refresh notices the revocation and plans a new token. ' +
          'Otherwise point token_id at an active token.',
        ['token_id'],
      );
      return config;
    }
    throw error;
  }
}

export const tokenValueEphemeralResource = defineEphemeralResource<TokenValueModel>({
  typeName: TOKEN_VALUE_TYPE,
  description:
    'The value of a token, for write-only attributes such as `kubernetes_secret_v1.data_wo` or ' +
    '`aws_secretsmanager_secret_version.secret_string_wo` (Terraform >= 1.11). An ephemeral resource: Terraform reads ' +
    'it from the API whenever a plan or an apply needs it and never stores it in state or plan files, so with it ' +
    '`protector_token` needs no `store_value`.',
  schema,
  open,
});
