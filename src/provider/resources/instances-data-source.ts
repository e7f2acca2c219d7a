/**
 * `data "protector_instances"`: the Protector instances of a connection configuration as their
 * heartbeats report them, each with the token it authenticates with (id and fingerprint only).
 */
import type { Instance } from '../../api/schemas';
import type { HandlerContext, ModelOf, ObjectSchema, UnknownValue } from '../provider-deps';
import { defineDataSource } from '../provider-deps';
import { connectionConfigurationId } from '../validators';

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const schema = {
  attributes: {
    connection_configuration_id: {
      type: 'string',
      required: true,
      description: 'The id of the connection configuration whose instances to list, such as `ccfg_8h2k4m9x1q`.',
      validate: connectionConfigurationId,
    },
    id: {
      type: 'string',
      computed: true,
      description: 'The connection configuration id (the data source has no identity of its own).',
    },
    instances: {
      type: [
        'list',
        [
          'object',
          {
            id: 'string',
            token_id: 'string',
            token_fingerprint: 'string',
            version: 'string',
            last_heartbeat_at: 'string',
            status: 'string',
          },
        ],
      ],
      computed: true,
      description:
        'The instances that sent a heartbeat, each with `id`, the `token_id` and `token_fingerprint` it authenticates ' +
        'with, its Protector `version`, `last_heartbeat_at` (RFC 3339) and `status` (`GOOD`, `WARNING` or `PROBLEM`).',
    },
  },
} as const satisfies ObjectSchema;

// ---------------------------------------------------------------------------------------------
// Read
// ---------------------------------------------------------------------------------------------

async function read(config: InstancesModel, ctx: HandlerContext): Promise<InstancesModel> {
  const { instances } = await ctx.deps.api.listInstances(config.connection_configuration_id);
  return {
    connection_configuration_id: config.connection_configuration_id,
    id: config.connection_configuration_id,
    instances: instances.map(instanceObject),
  };
}

// ---------------------------------------------------------------------------------------------
// State model
// ---------------------------------------------------------------------------------------------

export type InstancesModel = ModelOf<typeof schema>;
type InstanceObject = Exclude<InstancesModel['instances'], UnknownValue>[number];

export const instancesDataSource = defineDataSource<InstancesModel>({
  typeName: 'protector_instances',
  description:
    'Lists the Protector instances of a connection configuration with the token each one authenticates with ' +
    '(id and fingerprint) and its status. Useful to check that every instance moved to a new token.',
  schema,
  read,
});

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

function instanceObject(instance: Instance): InstanceObject {
  return {
    id: instance.instanceId,
    token_id: instance.tokenId,
    token_fingerprint: instance.tokenFingerprint,
    version: instance.version,
    last_heartbeat_at: instance.lastHeartbeatAt,
    status: instance.status,
  };
}
