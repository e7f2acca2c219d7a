/**
 * Stage 2 and the composition root (stage 1 is ./main.ts, which has already printed the handshake
 * line): logger, the gRPC host on the plugin listener's connections, and the tfplugin6 provider
 * service with its definitions (zod, the API client), built on the first call.
 */
import { ProviderService } from './tfplugin6/provider-service';
import type { DataSourceDefinition, EphemeralResourceDefinition, Model, ProviderConfigDefinition, ResourceDefinition } from './framework/types';
import { startHost, type RpcTable } from './host/grpc-host';
import { HclogLogger, logLevelFromEnv } from './host/hclog-logger';
import type { PluginListener } from './host/plugin-listener';
import type { ProviderDeps } from './provider-deps';

interface ProviderDefinitions<D> {
  providerConfig: ProviderConfigDefinition<Model, D>;
  resources: readonly ResourceDefinition<Model, D>[];
  dataSources: readonly DataSourceDefinition<Model, D>[];
  ephemeralResources: readonly EphemeralResourceDefinition<Model, D>[];
}

export function runProvider(listener: PluginListener, env: NodeJS.ProcessEnv = process.env): void {
  const log = new HclogLogger({ level: logLevelFromEnv(env), module: 'provider.protector' });
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception; exiting', { error: error.name });
    log.debug('stack of the uncaught exception', { stack: error.stack ?? '' });
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.error('unhandled promise rejection', { error: reason instanceof Error ? reason.name : typeof reason });
  });

  let table: RpcTable | undefined;
  const provider = (): RpcTable => {
    if (!table) table = rpcTable(new ProviderService<ProviderDeps>({ ...loadDefinitions(), log }));
    return table;
  };

  startHost({ provider, log, listener, onExit: (code) => process.exit(code) });
  setImmediate(provider); // Terraform's first call needs the definitions: build them while it connects
}

/**
 * Also called by the build, so that V8's code cache of stage 2 holds the definitions' code (see
 * ./executable.ts).
 * @public
 */
export function loadDefinitions(): ProviderDefinitions<ProviderDeps> {
  const { providerConfig } = require('./provider-config') as typeof import('./provider-config');
  const { resources, dataSources, ephemeralResources } = require('./resources') as typeof import('./resources');
  return { providerConfig, resources, dataSources, ephemeralResources };
}

/**
 * The API client, which the provider configuration loads only when it configures (see
 * ./provider-config.ts). Called by the build so that the executable's code cache holds its code.
 * @public
 */
export function loadApiClient(): void {
  require('../api/client');
}

const RPC_METHODS = [
  'GetProviderSchema',
  'ValidateProviderConfig',
  'ValidateResourceConfig',
  'ValidateDataResourceConfig',
  'UpgradeResourceState',
  'ConfigureProvider',
  'ReadResource',
  'PlanResourceChange',
  'ApplyResourceChange',
  'ImportResourceState',
  'ReadDataSource',
  'ValidateEphemeralResourceConfig',
  'OpenEphemeralResource',
  'RenewEphemeralResource',
  'CloseEphemeralResource',
  'StopProvider',
] as const satisfies ReadonlyArray<keyof ProviderService<unknown>>;

function rpcTable<D>(service: ProviderService<D>): RpcTable {
  const table: RpcTable = {};
  for (const name of RPC_METHODS) {
    table[name] = (request: never) => service[name](request);
  }
  return table;
}
