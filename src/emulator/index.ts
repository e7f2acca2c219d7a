/**
 * The token API emulator, in process. `protector emulator` and the test helpers start it
 * through `startEmulator()`.
 */
import type { AddressInfo } from 'node:net';
import { EdgeGridVerifier } from './edgegrid-verify';
import { newEdgeGridClient, writeEdgercSection, type EmulatorCredentials } from './edgerc';
import { FaultInjector } from './faults';
import { SnapshotWriter, loadState } from './persistence';
import { systemClock, systemRandom, type Clock, type RandomSource } from './random';
import { createEmulatorServer } from './server';
import { EmulatorStore } from './store';

export interface StartEmulatorOptions {
  /** Loopback address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Where state is kept across restarts. Default: in memory only. */
  dataDir?: string;
  /** `.edgerc` file to write the credentials section into. Default: none is written. */
  edgercPath?: string;
  /** Section of `edgercPath`. Default `default`. */
  section?: string;
  /** Clock of the product rules (timestamps, instance status, idempotency window). EdgeGrid timestamps are checked against real time. */
  clock?: Clock;
  random?: RandomSource;
  /** With `dataDir`: heartbeats are written within this many ms (lost on a crash at most). Default 1000. */
  heartbeatPersistIntervalMs?: number;
  /** Where the one-line-per-request log goes. Default: stderr. `false`: nowhere. */
  log?: ((line: string) => void) | false;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  edgercPath: string | undefined;
  section: string;
  credentials: EmulatorCredentials;
  /** Stops listening, drops open connections and waits for pending state writes. */
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const bindHost = options.host ?? '127.0.0.1';
  const section = options.section ?? 'default';
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const log = options.log === false ? () => undefined : (options.log ?? ((line: string) => process.stderr.write(`[emulator] ${line}\n`)));

  const store = new EmulatorStore({ clock, random, state: options.dataDir ? loadState(options.dataDir) : undefined });
  const writer = options.dataDir ? new SnapshotWriter(options.dataDir, () => store.serialize(), options.heartbeatPersistIntervalMs) : undefined;
  const faults = new FaultInjector();
  // Credentials are known only once the port is: the section's host names it. The verifier
  // reads this list at request time, and no request can arrive before it is filled.
  const clients: EmulatorCredentials[] = [];
  const server = createEmulatorServer({ store, verifier: new EdgeGridVerifier(clients), faults, writer, log });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`;
  let credentials: EmulatorCredentials;
  try {
    credentials = options.edgercPath ? writeEdgercSection(options.edgercPath, section, url) : { host: url, ...newEdgeGridClient() };
  } catch (error) {
    server.close();
    throw error;
  }
  clients.push(credentials);

  let closing: Promise<void> | undefined;
  return {
    url,
    edgercPath: options.edgercPath,
    section,
    credentials,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => writer?.close());
      return closing;
    },
  };
}
