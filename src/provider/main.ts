/**
 * The provider executable (bundled to dist/provider/terraform-provider-protector). Only the
 * handshake checks load before Terraform is confirmed; everything else is required lazily so the
 * process reaches its handshake line fast (Terraform starts it several times per command).
 */
import { NOT_STARTED_BY_TERRAFORM, startedByTerraform, supportsOurProtocol } from './host/handshake';
import type { ProviderDefinitions } from './serve';
import type { ProviderDeps } from './provider-deps';

function main(): void {
  if (process.argv.includes('--version')) {
    const { version } = require('../../package.json') as { version: string };
    process.stdout.write(`terraform-provider-protector v${version}\n`);
    return;
  }
  if (!startedByTerraform(process.env)) {
    process.stderr.write(NOT_STARTED_BY_TERRAFORM);
    process.exit(1);
  }
  if (!supportsOurProtocol(process.env)) {
    process.stderr.write(
      `terraform-provider-protector speaks plugin protocol 6, but this Terraform offers only ${process.env.PLUGIN_PROTOCOL_VERSIONS}. Use Terraform 1.0 or later.\n`,
    );
    process.exit(1);
  }
  // Ctrl-C reaches the whole process group; Terraform then calls StopProvider, which cancels
  // in-flight work cleanly. Dying on SIGINT would lose the state of operations in progress.
  process.on('SIGINT', () => undefined);

  const { runProvider } = require('./serve') as typeof import('./serve');
  runProvider(loadDefinitions);
}

function loadDefinitions(): ProviderDefinitions<ProviderDeps> {
  const { providerConfig } = require('./provider-config') as typeof import('./provider-config');
  const { resources, dataSources, ephemeralResources } = require('./resources') as typeof import('./resources');
  return { providerConfig, resources, dataSources, ephemeralResources };
}

main();
