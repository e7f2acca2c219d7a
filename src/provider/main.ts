/**
 * The provider executable (bundled to dist/provider/terraform-provider-protector), in two stages.
 *
 * Stage 1, this file: the checks go-plugin expects, then the socket and the handshake line, with
 * nothing but Node's built-in modules (Terraform starts a provider 3-5 times per command and
 * waits for each line). Stage 2, ./serve: the gRPC server, the protocol adapter and the resources,
 * loaded once the line is out. The bundler embeds stage 2 as text that is compiled only then
 * (see ./bundle.ts), so stage 1 does not even parse it.
 */
import { handshakeLine, NOT_STARTED_BY_TERRAFORM, startedByTerraform, supportsOurProtocol } from './host/handshake';
import { exitWhenParentGoes } from './host/parent-watch';
import { listenForTerraform } from './host/plugin-listener';

async function main(): Promise<void> {
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
  // Exiting (rather than dying) on SIGTERM runs the exit handlers that remove the socket.
  process.once('SIGTERM', () => process.exit(0));
  // Watched from the first moment: a Terraform killed right after reading the handshake line
  // leaves a provider that would otherwise live on, holding its socket.
  exitWhenParentGoes(() => process.exit(1));

  const listener = await listenForTerraform(process.env);
  process.stdout.write(handshakeLine(listener.socketPath, listener.tls?.certificate.der));

  hideFetchGlobals();
  const { runProvider } = require('./serve') as typeof import('./serve');
  runProvider(listener);
}

/**
 * Node's `fetch`, `Request`, `Response` and `FormData` globals load undici (~40 ms of CPU, several
 * times that on a busy CI runner) the first time anything reads them, and axios reads them when it
 * loads, to see whether its fetch adapter could work. The provider talks HTTP through axios's http
 * adapter only, so its process goes without them: one start is paid 3-5 times per Terraform command.
 */
function hideFetchGlobals(): void {
  for (const name of ['fetch', 'Request', 'Response', 'FormData']) Reflect.deleteProperty(globalThis, name);
}

main().catch((error: unknown) => {
  process.stderr.write(`terraform-provider-protector: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
