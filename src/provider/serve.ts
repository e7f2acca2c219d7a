/**
 * The composition root: runs the provider process once main.ts has checked it was started by Terraform: logger,
 * gRPC host, and the tfplugin6 provider service, whose definitions (zod, the API client) load right after
 * the handshake line is out so they do not delay it.
 */
import { ProviderService } from './tfplugin6/provider-service';
import type { DataSourceDefinition, EphemeralResourceDefinition, Model, ProviderConfigDefinition, ResourceDefinition } from './framework/types';
import { startHost, type RpcTable } from './host/grpc-host';
import { HclogLogger, logLevelFromEnv } from './host/hclog-logger';
import { exitWhenParentGoes } from './host/parent-watch';

export interface ProviderDefinitions<D> {
  providerConfig: ProviderConfigDefinition<Model, D>;
  resources: readonly ResourceDefinition<Model, D>[];
  dataSources: readonly DataSourceDefinition<Model, D>[];
  ephemeralResources: readonly EphemeralResourceDefinition<Model, D>[];
}

export function runProvider<D>(loadDefinitions: () => ProviderDefinitions<D>, env: NodeJS.ProcessEnv = process.env): void {
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
    if (!table) table = rpcTable(new ProviderService<D>({ ...loadDefinitions(), log }));
    return table;
  };

  exitWhenParentGoes(() => {
    log.warn('Terraform (the parent process) is gone; exiting');
    process.exit(1);
  });

  startHost({
    provider,
    log,
    env,
    announce: (line) => {
      process.stdout.write(line);
      setImmediate(provider); // warm up while Terraform connects
    },
    onExit: (code) => process.exit(code),
  }).catch((error: unknown) => {
    log.error('could not start the plugin server', { error: error instanceof Error ? error.message : String(error) });
    process.stderr.write(`terraform-provider-protector: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
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
