/**
 * Test helpers for the token API emulator: run it as a real process (`spawnEmulator`) or in
 * process (`startInProcessEmulator`, faster), drive its test-only controls, and make
 * EdgeGrid-signed calls with the `akamai-edgegrid` package (independently of our own client).
 *
 * Every emulator a test starts must be stopped by that test (`stop()` / `close()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import EdgeGrid = require('akamai-edgegrid');
import {
  CONTROL_BASE_PATH,
  EmulatorReadyLineSchema,
  EmulatorStatsSchema,
  ExpireLicenseResponseSchema,
  type EmulatorStats,
  type FaultPlanInput,
} from '../../src/emulator/control-schemas';
import { readEdgercSection, type EmulatorCredentials } from '../../src/emulator/edgerc';
import { startEmulator, type StartEmulatorOptions } from '../../src/emulator';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'protector');
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

interface EmulatorControl {
  setFaults(plan: FaultPlanInput): Promise<void>;
  clearFaults(): Promise<void>;
  /** Revokes every active token (of one configuration, or all) with reason LICENSE_EXPIRED. */
  expireLicense(connectionConfigurationId?: string): Promise<number>;
  stats(): Promise<EmulatorStats>;
}

/** What the signing and control helpers need; both kinds of emulator provide it. */
export interface EmulatorEndpoint {
  url: string;
  credentials: EmulatorCredentials;
}

export interface RunningEmulator extends EmulatorEndpoint {
  edgercPath: string;
  section: string;
  pid: number;
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** SIGKILL, then wait for the exit: nothing gets a chance to flush. */
  kill9(): Promise<void>;
  control: EmulatorControl;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stderr so far (its request log). */
  stderr(): string;
}

export interface InProcessEmulator extends EmulatorEndpoint {
  edgercPath: string;
  section: string;
  close(): Promise<void>;
  /** Same as `close()`, so tests can stop either kind of emulator alike. */
  stop(): Promise<void>;
  control: EmulatorControl;
}

/**
 * Runs `node bin/protector emulator --port 0 --edgerc <tmp file>` and waits (at most 15 s) for
 * its ready line. `edgercPath` defaults to a fresh temporary file removed on stop.
 */
export async function spawnEmulator(opts: { dataDir?: string; section?: string; edgercPath?: string } = {}): Promise<RunningEmulator> {
  const section = opts.section ?? 'default';
  const tempDir = opts.edgercPath ? undefined : mkdtempSync(path.join(os.tmpdir(), 'protector-emu-'));
  const edgercPath = opts.edgercPath ?? path.join(tempDir!, 'edgerc');
  const args = [BIN, 'emulator', '--port', '0', '--edgerc', edgercPath, '--section', section];
  if (opts.dataDir) args.push('--data-dir', opts.dataDir);

  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    // Bounded: keep the last 64 KiB for failure messages.
    stderr = (stderr + chunk).slice(-65536);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const cleanup = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await waitForReadyLine(child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw error;
  }
  const credentials = credentialsFrom(edgercPath, section);
  const endpoint = { url, credentials };

  const waitForExit = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    cleanup();
  };

  return {
    url,
    credentials,
    edgercPath,
    section,
    pid: child.pid!,
    stop: () => waitForExit('SIGTERM'),
    kill9: () => waitForExit('SIGKILL'),
    control: controlOf(endpoint),
    exited,
    stderr: () => stderr,
  };
}

function waitForReadyLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`emulator did not start: ${why}\nstdout: ${stdout}\nstderr: ${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolve(EmulatorReadyLineSchema.parse(JSON.parse(stdout.slice(0, newline))).url);
      } catch (error) {
        reject(new Error(`emulator printed an unexpected first line: ${stdout.slice(0, newline)} (${String(error)})`));
      }
    });
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

function credentialsFrom(edgercPath: string, section: string): EmulatorCredentials {
  const found = readEdgercSection(edgercPath, section);
  if (!found?.host || !found.clientToken || !found.clientSecret || !found.accessToken) {
    throw new Error(`emulator did not write complete credentials to [${section}] of ${edgercPath}`);
  }
  return found as EmulatorCredentials;
}

/**
 * Starts the emulator inside the test process (no child process): fast, and lets a test
 * inject a clock. Writes its credentials to a temporary edgerc unless `edgercPath` is given.
 */
export async function startInProcessEmulator(opts: Omit<StartEmulatorOptions, 'host'> = {}): Promise<InProcessEmulator> {
  const tempDir = opts.edgercPath ? undefined : mkdtempSync(path.join(os.tmpdir(), 'protector-emu-'));
  const edgercPath = opts.edgercPath ?? path.join(tempDir!, 'edgerc');
  const emulator = await startEmulator({ log: false, ...opts, edgercPath });
  const close = async () => {
    await emulator.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  return {
    url: emulator.url,
    credentials: emulator.credentials,
    edgercPath,
    section: emulator.section,
    control: controlOf(emulator),
    close,
    stop: close,
  };
}

function controlOf(emu: { url: string }): EmulatorControl {
  const call = async (method: string, suffix: string, body?: unknown) => {
    const res = await fetch(`${emu.url}${CONTROL_BASE_PATH}${suffix}`, {
      method,
      headers: body === undefined && method !== 'POST' ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${CONTROL_BASE_PATH}${suffix} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    setFaults: async (plan) => {
      await call('PUT', '/faults', plan);
    },
    clearFaults: async () => {
      await call('DELETE', '/faults');
    },
    expireLicense: async (connectionConfigurationId) =>
      ExpireLicenseResponseSchema.parse(await call('POST', '/license/expire', connectionConfigurationId ? { connectionConfigurationId } : {})).revokedTokens,
    stats: async () => EmulatorStatsSchema.parse(await call('GET', '/stats')),
  };
}

// ---------------------------------------------------------------------------------------------
// EdgeGrid-signed calls made with the akamai-edgegrid package
// ---------------------------------------------------------------------------------------------

export interface SignOptions {
  /** Extra headers, e.g. `{ 'Idempotency-Key': '...' }`. */
  headers?: Record<string, string>;
  /** Sign as if the clock said this (epoch ms), e.g. to send a stale timestamp. */
  signedAtMs?: number;
  /** Sign with these credentials instead of the emulator's (e.g. a wrong secret). */
  credentials?: Partial<EmulatorCredentials>;
}

export interface SignedResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when empty. */
  body: unknown;
  text: string;
}

/**
 * The `Authorization` header akamai-edgegrid computes for this request. The package only
 * exports its `EdgeGrid` class, which always uses a fresh timestamp (from `Date.now()`) and
 * nonce; a test that needs a stale timestamp passes `timestamp` and the clock is set back for
 * the duration of the (synchronous) signing call only.
 */
export function edgeGridAuthorization(
  emu: EmulatorEndpoint,
  method: string,
  pathAndQuery: string,
  body: string | undefined,
  opts: SignOptions = {},
): { url: string; authorization: string } {
  const c = { ...emu.credentials, ...opts.credentials };
  const edgeGrid = edgeGridFor(c.clientToken, c.clientSecret, c.accessToken, emu.url);
  const realNow = Date.now;
  if (opts.signedAtMs !== undefined) {
    const at = opts.signedAtMs;
    Date.now = () => at;
  }
  try {
    const signed = edgeGrid.auth({ path: pathAndQuery, method, headers: {}, body: body ?? '' }).request;
    return { url: signed.url, authorization: signed.headers.Authorization };
  } finally {
    Date.now = realNow;
  }
}

// Each `new EdgeGrid()` adds interceptors to axios' global instance: make one per client only.
const signers = new Map<string, EdgeGrid>();
function edgeGridFor(clientToken: string, clientSecret: string, accessToken: string, url: string): EdgeGrid {
  const key = JSON.stringify([clientToken, clientSecret, accessToken, url]);
  let edgeGrid = signers.get(key);
  if (!edgeGrid) {
    edgeGrid = new EdgeGrid(clientToken, clientSecret, accessToken, url);
    // The package assumes https for a host not spelled "https://"; the emulator is plain http.
    edgeGrid.config.host = url;
    signers.set(key, edgeGrid);
  }
  return edgeGrid;
}

/** Sends one request signed by akamai-edgegrid. `body` is sent as JSON (a string as is). */
export async function signedRequest(emu: EmulatorEndpoint, method: string, pathAndQuery: string, body?: unknown, opts: SignOptions = {}): Promise<SignedResponse> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const { url, authorization } = edgeGridAuthorization(emu, method, pathAndQuery, text, opts);
  return sendRaw(url, method, { Authorization: authorization, ...opts.headers }, text);
}

/** A plain request (no signature), e.g. an instance heartbeat or a tampered call. */
export async function sendRaw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<SignedResponse> {
  // The emulator refuses a POST without this type even when it has no body (no web page may drive it).
  const sendsJson = body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase());
  const res = await fetch(url, {
    method,
    headers: sendsJson ? { 'Content-Type': 'application/json', ...headers } : headers,
    body,
  });
  const responseText = await res.text();
  return { status: res.status, headers: res.headers, body: responseText ? (JSON.parse(responseText) as unknown) : undefined, text: responseText };
}

/** `POST /protector/v1/instances/heartbeat` as a Protector instance sends it. */
export function sendHeartbeat(emu: { url: string }, tokenValue: string, body: unknown): Promise<SignedResponse> {
  return sendRaw(`${emu.url}/protector/v1/instances/heartbeat`, 'POST', { Authorization: `Bearer ${tokenValue}` }, JSON.stringify(body));
}
