/**
 * Stage 2 and the composition root (stage 1 is ./main.ts, which has already printed the handshake
 * line): logger, the gRPC host on the plugin listener's connections, and the tfplugin6 provider
 * service with its definitions (zod, the framework), loaded by the first call that needs them.
 */
import type { ProviderService } from './tfplugin6/provider-service';
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
    if (!table) {
      const { ProviderService } = require('./tfplugin6/provider-service') as typeof import('./tfplugin6/provider-service');
      table = rpcTable(new ProviderService<ProviderDeps>({ ...loadDefinitions(), log }));
    }
    return table;
  };

  const precomputed = precomputedAnswers();
  startHost({ provider, precomputed, log, listener, onExit: (code) => process.exit(code) });
  // Run from source, every first call needs the definitions: build them while Terraform connects.
  if (!precomputed) setImmediate(provider);
}

/** The answers the build encoded into the bundle (see ./precomputed-schema.ts); none when run from source. */
declare const PRECOMPUTED_SCHEMA_RESPONSE: string | undefined;

function precomputedAnswers(): Record<string, Uint8Array> | undefined {
  if (typeof PRECOMPUTED_SCHEMA_RESPONSE === 'undefined') return undefined;
  return { GetProviderSchema: Buffer.from(PRECOMPUTED_SCHEMA_RESPONSE, 'base64') };
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
 * Loads every module stage 2 loads on demand (the definitions, the provider service, the protobuf
 * codecs, and the API client the provider configuration loads when it configures): the build
 * calls it so that the executable's V8 code cache holds their code (see ./executable.ts).
 * @public
 */
export function loadForCodeCache(): void {
  loadDefinitions();
  require('./tfplugin6/provider-service');
  require('./host/proto-codecs');
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
