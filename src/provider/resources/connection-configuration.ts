/**
 * `protector_connection_configuration`: an App & API Protector Hybrid connection configuration.
 *
 * The API generates an initial token with every new configuration and returns its value in the
 * create response. That value never enters this resource's state (nor a log): the secret lives only
 * in `protector_token`, whose first instance takes over from the initial token.
 */
import type { ConnectionConfiguration, CreateConnectionConfigurationRequest, Target, UpdateConnectionConfigurationRequest } from '../../api/schemas';
import { ConfigurationNameSchema, ConnectionConfigurationIdSchema, ContractIdSchema, DescriptionSchema, GroupIdSchema, TargetSchema } from '../../api/schemas';
import { NotFoundError } from '../../api/errors';
import type { Diagnostics, HandlerContext, ModelOf, ObjectSchema, Planned, PlanRequest } from '../provider-deps';
import { defineResource, Unknown } from '../provider-deps';
import { isObject } from '../codec/cty-values';
import { agreesWith, eachWholeNumberBetween, lengthBetween, listLengthBetween, matchesSchema, noSurroundingSpaces, oneOf } from '../framework/validators';
import { known } from '../framework/values';

const CONNECTION_CONFIGURATION_TYPE = 'protector_connection_configuration';

const DEPLOYMENT_TYPES = { kubernetes: 'KUBERNETES', reverse_proxy: 'REVERSE_PROXY' } as const;
const PROTOCOLS = { http: 'HTTP', https: 'HTTPS' } as const;
/** Changing any of these deletes the configuration and creates a new one. */
const REPLACING_ATTRIBUTES = ['deployment_type', 'contract_id', 'group_id'] as const;
const IMPORT_ID_FORMAT = 'a connection configuration id such as "ccfg_8h2k4m9x1q"';

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const schema = {
  attributes: {
    id: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'The connection configuration id assigned by the API, such as `ccfg_8h2k4m9x1q`.',
    },
    name: {
      type: 'string',
      required: true,
      description: 'A name that tells people which configuration this is. From 1 to 128 characters. Changing it updates the configuration in place.',
      validate: [lengthBetween(1, 128), noSurroundingSpaces(), agreesWith(ConfigurationNameSchema)],
    },
    description: {
      type: 'string',
      optional: true,
      description: 'A free-text description, up to 1024 characters. Changing or removing it updates the configuration in place.',
      validate: [lengthBetween(1, 1024, { emptyHint: 'remove the argument instead of setting an empty string' }), agreesWith(DescriptionSchema)],
    },
    deployment_type: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description:
        'Where the Protector instances run: `"kubernetes"` or `"reverse_proxy"`. Tokens are tied to the deployment type ' +
        'they were created for, so changing it replaces the configuration (and with it every token).',
      validate: oneOf(Object.keys(DEPLOYMENT_TYPES)),
    },
    contract_id: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description: 'The contract the configuration belongs to. Changing it replaces the configuration.',
      validate: [lengthBetween(1, 64), agreesWith(ContractIdSchema)],
    },
    group_id: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description: 'The group the configuration belongs to. Changing it replaces the configuration.',
      validate: [lengthBetween(1, 64), agreesWith(GroupIdSchema)],
    },
    created_at: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'When the configuration was created, as an RFC 3339 timestamp in UTC.',
    },
  },
  blocks: {
    target: {
      nesting: 'single',
      description:
        'Where a reverse-proxy Protector forwards traffic to. Only for `deployment_type = "reverse_proxy"`; ' +
        'an error for `"kubernetes"`. Changing it updates the configuration in place.',
      attributes: {
        host: {
          type: 'string',
          required: true,
          description: 'Host name or IPv4 address of the origin, such as `origin.example.com`.',
          validate: matchesSchema(TargetSchema.shape.host, 'a host name or IPv4 address such as "origin.example.com"'),
        },
        ports: {
          type: ['list', 'number'],
          required: true,
          description: 'Ports of the origin, from 1 to 16 of them, each from 1 to 65535.',
          validate: [listLengthBetween(1, 16, 'ports'), eachWholeNumberBetween(1, 65535)],
        },
        protocol: {
          type: 'string',
          required: true,
          description: 'Protocol spoken to the origin: `"http"` or `"https"`.',
          validate: oneOf(Object.keys(PROTOCOLS)),
        },
      },
    },
  },
} as const satisfies ObjectSchema;

// ---------------------------------------------------------------------------------------------
// Config validators
// ---------------------------------------------------------------------------------------------

function validateConfig(config: Planned<ConnectionConfigurationModel>, diagnostics: Diagnostics): void {
  if (config.deployment_type === 'kubernetes' && isObject(config.target)) {
    diagnostics.error(
      'Target Not Allowed For Kubernetes',
      'A `target` block only applies to `deployment_type = "reverse_proxy"`: a Kubernetes Protector does not forward ' +
        'traffic to an origin. Remove the `target` block, or set `deployment_type = "reverse_proxy"`.',
      // Terraform locates attributes only: a path ending at a block would point at the resource
      // header, so point at the block's first attribute to show the offending block.
      ['target', 'host'],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

/** A replacement deletes the old configuration too: the same warning as a destroy, said before apply. */
async function modifyPlan(request: PlanRequest<ConnectionConfigurationModel>, ctx: HandlerContext): Promise<void> {
  const { prior, planned } = request;
  if (prior === null) return;
  const replacedBy = REPLACING_ATTRIBUTES.filter((name) => planned[name] !== Unknown && planned[name] !== prior[name]);
  if (replacedBy.length === 0) return;
  await warnTokensRevoked(prior, ctx, `Replacing it (${replacedBy.map((name) => `\`${name}\``).join(', ')} changed) deletes it, which`);
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

async function importState(id: string, ctx: HandlerContext): Promise<ConnectionConfigurationModel | null> {
  if (!ConnectionConfigurationIdSchema.safeParse(id).success) {
    ctx.diagnostics.error(
      'Unexpected Import Identifier',
      `Expected ${IMPORT_ID_FORMAT}, got ${JSON.stringify(id)}. Example: terraform import ${CONNECTION_CONFIGURATION_TYPE}.NAME ccfg_8h2k4m9x1q`,
    );
    return null;
  }
  return readById(id, ctx);
}

// ---------------------------------------------------------------------------------------------
// Create, read, update, delete
// ---------------------------------------------------------------------------------------------

async function create(planned: ConnectionConfigurationModel, ctx: HandlerContext): Promise<ConnectionConfigurationModel> {
  // The client sends a random Idempotency-Key and reuses it across its own retries, so a
  // dropped answer never makes a second configuration within one apply.
  const created = await ctx.deps.api.createConnectionConfiguration(toCreateRequest(planned));
  const configuration = created.connectionConfiguration;
  // The first protector_token of this configuration, created later in this apply, needs to know it.
  ctx.deps.initialTokenIds.set(configuration.connectionConfigurationId, created.token.tokenId);
  ctx.log.info('created connection configuration', {
    id: configuration.connectionConfigurationId,
    initial_token_id: created.token.tokenId,
    initial_token_fingerprint: created.token.fingerprint,
  });
  return fromApi(configuration);
}

async function read(state: ConnectionConfigurationModel, ctx: HandlerContext): Promise<ConnectionConfigurationModel | null> {
  return readById(known(state.id), ctx);
}

async function update(prior: ConnectionConfigurationModel, planned: ConnectionConfigurationModel, ctx: HandlerContext): Promise<ConnectionConfigurationModel> {
  const patch = toPatch(prior, planned);
  const id = known(prior.id);
  if (Object.keys(patch).length === 0) return readExisting(id, ctx);
  return fromApi(await ctx.deps.api.updateConnectionConfiguration(id, patch));
}

async function destroy(state: ConnectionConfigurationModel, ctx: HandlerContext): Promise<void> {
  try {
    await ctx.deps.api.deleteConnectionConfiguration(known(state.id));
  } catch (error) {
    // Already gone (deleted by hand, or an earlier attempt whose answer was lost): the goal holds.
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/** Destroying revokes every token of the configuration: say so while the plan can still be rejected. */
async function planDestroy(prior: ConnectionConfigurationModel, ctx: HandlerContext): Promise<void> {
  await warnTokensRevoked(prior, ctx, 'Destroying it');
}

// ---------------------------------------------------------------------------------------------
// State model
// ---------------------------------------------------------------------------------------------

export type ConnectionConfigurationModel = ModelOf<typeof schema>;
type TargetModel = NonNullable<ConnectionConfigurationModel['target']>;

export const connectionConfigurationResource = defineResource<ConnectionConfigurationModel>({
  typeName: CONNECTION_CONFIGURATION_TYPE,
  description:
    'An App & API Protector Hybrid connection configuration: the link between your Protector instances and the control ' +
    'plane. The API generates a first token with every new configuration; the first `protector_token` ' +
    'of the configuration takes over from that initial token. Destroying a configuration revokes all of its tokens.',
  schema,
  validateConfig,
  modifyPlan,
  importState,
  create,
  read,
  update,
  delete: destroy,
  planDestroy,
});

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/** `action` starts the sentence, e.g. "Destroying it". */
async function warnTokensRevoked(prior: ConnectionConfigurationModel, ctx: HandlerContext, action: string): Promise<void> {
  const id = known(prior.id);
  let active = '';
  try {
    const tokens = await ctx.deps.api.listTokens(id);
    if (tokens.active.length > 0) {
      active = ` Active now: ${tokens.active.map((token) => `${token.tokenId} (${token.fingerprint})`).join(', ')}.`;
    }
  } catch (error) {
    ctx.log.debug('could not list tokens for the destroy warning', { id, error: error instanceof Error ? error.message : String(error) });
  }
  ctx.diagnostics.warning(
    'Deleting A Connection Configuration Revokes Its Tokens',
    `Connection configuration ${JSON.stringify(prior.name)} (${id}): ${action} revokes every token it has ` +
      `(revoke reason CONFIGURATION_DELETED).${active} Protector instances still using those tokens ` +
      'stop authenticating. Move them to another configuration first if they must keep running.',
  );
}

async function readById(id: string, ctx: HandlerContext): Promise<ConnectionConfigurationModel | null> {
  try {
    return fromApi(await ctx.deps.api.getConnectionConfiguration(id));
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

async function readExisting(id: string, ctx: HandlerContext): Promise<ConnectionConfigurationModel> {
  return fromApi(await ctx.deps.api.getConnectionConfiguration(id));
}

function toCreateRequest(planned: ConnectionConfigurationModel): CreateConnectionConfigurationRequest {
  return {
    name: planned.name,
    ...(planned.description !== null ? { description: planned.description } : {}),
    deploymentType: apiValueOf(DEPLOYMENT_TYPES, planned.deployment_type),
    contractId: planned.contract_id,
    groupId: planned.group_id,
    ...(planned.target !== null ? { target: toApiTarget(planned.target) } : {}),
  };
}

/** Only the fields that changed: a PATCH of an unchanged `target: null` is not sent to a Kubernetes configuration. */
function toPatch(prior: ConnectionConfigurationModel, planned: ConnectionConfigurationModel): UpdateConnectionConfigurationRequest {
  const patch: UpdateConnectionConfigurationRequest = {};
  if (planned.name !== prior.name) patch.name = planned.name;
  if (planned.description !== prior.description) patch.description = planned.description;
  if (!sameTarget(prior.target, planned.target)) patch.target = planned.target === null ? null : toApiTarget(planned.target);
  return patch;
}

function fromApi(configuration: ConnectionConfiguration): ConnectionConfigurationModel {
  return {
    id: configuration.connectionConfigurationId,
    name: configuration.name,
    description: configuration.description ?? null,
    deployment_type: configuration.deploymentType === 'KUBERNETES' ? 'kubernetes' : 'reverse_proxy',
    contract_id: configuration.contractId,
    group_id: configuration.groupId,
    target: configuration.target
      ? {
          host: configuration.target.host,
          ports: [...configuration.target.ports],
          protocol: configuration.target.protocol === 'HTTP' ? 'http' : 'https',
        }
      : null,
    created_at: configuration.createdAt,
  };
}

function toApiTarget(target: TargetModel): Target {
  return {
    host: target.host,
    ports: [...target.ports],
    protocol: apiValueOf(PROTOCOLS, target.protocol),
  };
}

function sameTarget(a: TargetModel | null, b: TargetModel | null): boolean {
  if (a === null || b === null) return a === b;
  return a.host === b.host && a.protocol === b.protocol && a.ports.length === b.ports.length && a.ports.every((port, i) => port === b.ports[i]);
}

/** The API's spelling of a validated attribute value (the `oneOf` validator allows only the keys). */
function apiValueOf<T extends Record<string, string>>(mapping: T, value: string): T[keyof T] {
  if (!Object.prototype.hasOwnProperty.call(mapping, value)) throw new Error(`no API value for ${JSON.stringify(value)}`);
  return mapping[value as keyof T];
}
