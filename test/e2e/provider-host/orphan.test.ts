/**
 * When Terraform is killed, nobody calls Shutdown: the provider must not live on as an orphan.
 * A stand-in parent (a shell) starts the provider as Terraform would, reports its pid, and dies.
 */
import { spawn } from 'node:child_process';
import { buildProviderOnce } from '../../helpers/terraform';
import { MAGIC_COOKIE_VALUE } from '../../../src/provider/host/handshake';

let bundle: string;
beforeAll(async () => {
  bundle = await buildProviderOnce();
}, 120_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

test('the provider exits by itself when its parent dies without shutting it down', async () => {
  // GIVEN a parent that starts the provider, waits for its handshake line, then exits (like a SIGKILLed terraform)
  const parent = spawn(
    'bash',
    ['-c', '"$0" > "$HANDSHAKE" 2>/dev/null & echo $!; for i in $(seq 100); do [ -s "$HANDSHAKE" ] && exit 0; sleep 0.1; done; exit 1', bundle],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: '6',
        TF_DISABLE_PLUGIN_TLS: '1',
        HANDSHAKE: `${require('node:os').tmpdir()}/protector-orphan-${process.pid}-${Date.now()}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  parent.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const parentExit = await new Promise<number | null>((resolve) => parent.on('exit', resolve));
  const providerPid = Number(out.trim());
  expect(parentExit).toBe(0);
  expect(providerPid).toBeGreaterThan(0);

  try {
    // WHEN the parent is gone THEN the provider exits within a few seconds
    expect(await waitUntil(() => !alive(providerPid), 15_000)).toBe(true);
  } finally {
    if (alive(providerPid)) process.kill(providerPid, 'SIGKILL');
  }
}, 60_000);
