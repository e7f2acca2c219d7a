/**
 * Defects an adversarial review of the emulator found (issue 9, items 5, 6, 7, 9, 11, 12): each
 * test failed before its fix.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiPaths, PROBLEM_CONTENT_TYPE, ProblemSchema, ProblemTypes, type Problem } from '../../../src/api/schemas';
import { startEmulator, type RunningEmulator as EmbeddedEmulator } from '../../../src/emulator';
import { sendRaw, signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createConfiguration, expectProblem, generateToken, KUBERNETES_CONFIG, REVERSE_PROXY_CONFIG, revokeToken } from './fixtures';

let emu: InProcessEmulator;
beforeEach(async () => {
  emu = await startInProcessEmulator();
});
afterEach(async () => {
  await emu.close();
});

interface RawResponse {
  status: number;
  contentType: string | undefined;
  text: string;
}

/** A request with full control over its headers (fetch refuses to set `Host`). */
function rawRequest(url: string, method: string, pathAndQuery: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${pathAndQuery}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function problemOf(res: RawResponse, status: number): Problem {
  expect({ status: res.status, contentType: res.contentType }).toEqual({ status, contentType: PROBLEM_CONTENT_TYPE });
  const problem = ProblemSchema.parse(JSON.parse(res.text));
  expect(problem.detail?.length).toBeGreaterThan(0);
  return problem;
}

const portOf = (url: string) => new URL(url).port;

describe('item 5: the fault plan path is a glob, never a regular expression', () => {
  test('a regex-looking pathPattern is refused with 400 saying to use a glob', async () => {
    const res = await rawRequest(emu.url, 'PUT', '/_emulator/faults', { 'Content-Type': 'application/json' }, JSON.stringify({ pathPattern: '(a+)+$' }));
    const problem = problemOf(res, 400);
    expect(problem.errors?.[0]).toMatchObject({ path: 'pathPattern' });
    expect(problem.detail).toMatch(/glob/);
    expect(problem.detail).toMatch(/\*\*/);
  });

  test('a glob with ** limits faults to the paths it matches, in time linear in the path', async () => {
    await emu.control.setFaults({ serverErrorRate: 1, pathPattern: '/protector/v1/**/tokens' });
    const id = (await createConfiguration(emu)).connectionConfiguration.connectionConfigurationId;
    expect((await signedRequest(emu, 'GET', ApiPaths.tokens(id))).status).toBe(503);
    expect((await signedRequest(emu, 'GET', ApiPaths.instances(id))).status).toBe(200);

    // The pattern that took 21 s as a regex: as a glob with many stars against a long path, instant.
    await emu.control.setFaults({ serverErrorRate: 1, pathPattern: `/${'*a'.repeat(60)}**b` });
    const started = Date.now();
    expect((await signedRequest(emu, 'GET', `${ApiPaths.configurations()}/${'a'.repeat(2000)}`)).status).toBe(400);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('item 6: no web page can drive the emulator', () => {
  test('a text/plain POST with a foreign Origin to the license control is refused (415) and revokes nothing', async () => {
    await createConfiguration(emu);
    const res = await rawRequest(emu.url, 'POST', '/_emulator/license/expire', { 'Content-Type': 'text/plain', Origin: 'https://evil.example' }, '{}');
    expect(problemOf(res, 415).detail).toMatch(/application\/json/);
    expect((await emu.control.stats()).activeTokens).toBe(1);
  });

  test('a POST without any Content-Type is refused too, even with an empty body', async () => {
    await createConfiguration(emu);
    const res = await rawRequest(emu.url, 'POST', '/_emulator/license/expire', {});
    problemOf(res, 415);
    expect((await emu.control.stats()).activeTokens).toBe(1);
  });

  test('a signed product POST whose body is form-encoded is refused with 415', async () => {
    const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), JSON.stringify(KUBERNETES_CONFIG), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(res, 415, ProblemTypes.validation);
    expect((await emu.control.stats()).configurations).toBe(0);
  });

  test('application/json with a charset is accepted', async () => {
    const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), KUBERNETES_CONFIG, {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });

  test.each([
    ['a foreign name (DNS rebinding)', (port: string) => `evil.example:${port}`],
    ['a private address that is not loopback', (port: string) => `192.168.1.10:${port}`],
    ['a loopback-looking prefix', (port: string) => `127.0.0.1.evil.example:${port}`],
  ])('a Host header with %s is refused with a problem', async (_label, host) => {
    const res = await rawRequest(emu.url, 'GET', '/_emulator/stats', { Host: host(portOf(emu.url)) });
    expect(problemOf(res, 421).detail).toMatch(/127\.0\.0\.1/);
  });

  test.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])('Host %s with the port is served', async (name) => {
    const res = await rawRequest(emu.url, 'GET', '/_emulator/stats', { Host: `${name}:${portOf(emu.url)}` });
    expect(res.status).toBe(200);
  });

  test('a loopback Host with another port is served: a local proxy in front of the emulator keeps its own', async () => {
    const res = await rawRequest(emu.url, 'GET', '/_emulator/stats', { Host: '127.0.0.1:1' });
    expect(res.status).toBe(200);
  });

  test('a request without a Host header (HTTP/1.0) is refused', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(portOf(emu.url)), '127.0.0.1', () => socket.write('GET /_emulator/stats HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 421 /);
  });
});

describe('item 7: the state file is written through a fresh, exclusive temporary file', () => {
  let dir: string;
  let persisting: InProcessEmulator | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'protector-symlink-'));
  });
  afterEach(async () => {
    await persisting?.close();
    persisting = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  test('a symlink planted at the temporary name the old code used does not redirect the write', async () => {
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir);
    persisting = await startInProcessEmulator({ dataDir });
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    // The old names were predictable: state.json.tmp-<pid>-<counter>.
    for (let n = 1; n <= 5; n += 1) symlinkSync(victim, path.join(dataDir, `state.json.tmp-${process.pid}-${n}`));

    await createConfiguration(persisting);

    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const state = lstatSync(path.join(dataDir, 'state.json'));
    expect(state.isFile()).toBe(true);
    expect(state.mode & 0o777).toBe(0o600);
  });
});

describe('item 9: no problem echoes an Idempotency-Key (a token value is a valid key)', () => {
  test('key reused for another configuration, another body, or a revoked token: the key is never in the answer', async () => {
    const a = await createConfiguration(emu);
    const b = await createConfiguration(emu, { ...KUBERNETES_CONFIG, name: 'b' });
    const aId = a.connectionConfiguration.connectionConfigurationId;
    // A secret pasted into the wrong header: the token value of configuration a.
    const key = a.token.value;
    const texts: string[] = [];

    const generated = await generateToken(emu, aId, key);
    const otherTarget = await signedRequest(emu, 'POST', ApiPaths.tokens(b.connectionConfiguration.connectionConfigurationId), undefined, {
      headers: { 'Idempotency-Key': key },
    });
    expectProblem(otherTarget, 422, ProblemTypes.idempotencyKeyReused);
    texts.push(otherTarget.text);

    const createKey = `${key}-create`;
    await signedRequest(emu, 'POST', ApiPaths.configurations(), KUBERNETES_CONFIG, { headers: { 'Idempotency-Key': createKey } });
    const otherBody = await signedRequest(
      emu,
      'POST',
      ApiPaths.configurations(),
      { ...KUBERNETES_CONFIG, name: 'changed' },
      {
        headers: { 'Idempotency-Key': createKey },
      },
    );
    expectProblem(otherBody, 422, ProblemTypes.idempotencyKeyReused);
    texts.push(otherBody.text);

    await revokeToken(emu, aId, generated.tokenId);
    const revokedSince = await signedRequest(emu, 'POST', ApiPaths.tokens(aId), undefined, { headers: { 'Idempotency-Key': key } });
    expectProblem(revokedSince, 409, ProblemTypes.tokenNotActive);
    texts.push(revokedSince.text);

    for (const text of texts) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(4, 20));
    }
  });
});

describe('item 11: hostile values are refused by the contract', () => {
  const hostile: [string, Record<string, unknown>, string][] = [
    ['NUL in the name', { ...KUBERNETES_CONFIG, name: 'shop\u0000k8s' }, 'name'],
    ['an ANSI escape in the name', { ...KUBERNETES_CONFIG, name: 'shop\u001b[31mred' }, 'name'],
    ['a bidi override in the name', { ...KUBERNETES_CONFIG, name: 'shop\u202Egnp.exe' }, 'name'],
    ['a bidi isolate in the description', { ...KUBERNETES_CONFIG, description: 'edge \u2066proxy\u2069' }, 'description'],
    ['a zero-width space in the description', { ...KUBERNETES_CONFIG, description: 'edge\u200Bproxy' }, 'description'],
    ['a line break in the description', { ...KUBERNETES_CONFIG, description: 'edge\nproxy' }, 'description'],
    ['a control character in the contract id', { ...KUBERNETES_CONFIG, contractId: 'ctr_\u0007' }, 'contractId'],
    ['a bidi override in the group id', { ...KUBERNETES_CONFIG, groupId: 'grp_\u202D1' }, 'groupId'],
    ['a target host "-.-"', { ...REVERSE_PROXY_CONFIG, target: { ...REVERSE_PROXY_CONFIG.target, host: '-.-' } }, 'target.host'],
    ['a target host "..."', { ...REVERSE_PROXY_CONFIG, target: { ...REVERSE_PROXY_CONFIG.target, host: '...' } }, 'target.host'],
    ['a target host "999.1.1.1"', { ...REVERSE_PROXY_CONFIG, target: { ...REVERSE_PROXY_CONFIG.target, host: '999.1.1.1' } }, 'target.host'],
  ];

  test.each(hostile)('%s is refused with 400 naming the field', async (_label, body, field) => {
    const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), body);
    const problem = expectProblem(res, 400, ProblemTypes.validation);
    expect(problem.errors?.map((e) => e.path)).toContain(field);
    expect((await emu.control.stats()).configurations).toBe(0);
  });

  test('a PATCH with a hostile name is refused the same way', async () => {
    const id = (await createConfiguration(emu)).connectionConfiguration.connectionConfigurationId;
    const res = await signedRequest(emu, 'PATCH', ApiPaths.configuration(id), { name: 'x\u202Ey' });
    expect(expectProblem(res, 400, ProblemTypes.validation).errors?.[0].path).toBe('name');
  });

  test('ordinary international text is still accepted', async () => {
    const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), { ...KUBERNETES_CONFIG, name: 'Bühne – 東京', description: 'Größe: 1 ½' });
    expect(res.status).toBe(201);
  });

  test('unknown query parameters are refused with 400 naming them', async () => {
    const misspelt = await signedRequest(emu, 'GET', `${ApiPaths.configurations()}?pagesize=1`);
    expect(expectProblem(misspelt, 400, ProblemTypes.validation).detail).toMatch(/pagesize/);
    const id = (await createConfiguration(emu)).connectionConfiguration.connectionConfigurationId;
    expectProblem(await signedRequest(emu, 'GET', `${ApiPaths.tokens(id)}?all=true`), 400, ProblemTypes.validation);
    const control = await rawRequest(emu.url, 'GET', '/_emulator/stats?x=1', {});
    problemOf(control, 400);
  });
});

describe('item 12: a client that goes away is logged as aborted, not as a 500', () => {
  let embedded: EmbeddedEmulator | undefined;
  afterEach(async () => {
    await embedded?.close();
    embedded = undefined;
  });

  test('a POST whose client disconnects halfway through the body', async () => {
    const lines: string[] = [];
    embedded = await startEmulator({ log: (line) => lines.push(line) });
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(portOf(embedded!.url)), '127.0.0.1', () => {
        socket.write(
          `POST /_emulator/license/expire HTTP/1.1\r\nHost: 127.0.0.1:${portOf(embedded!.url)}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"conn',
          () => setTimeout(() => socket.destroy(), 100),
        );
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    for (let i = 0; i < 100 && lines.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^POST \/_emulator\/license\/expire aborted \d+ms$/);
    expect(lines.join('\n')).not.toMatch(/500|internal/);
  });
});

test('the emulator keeps serving after all of the above', async () => {
  const res = await sendRaw(`${emu.url}/_emulator/stats`, 'GET', {});
  expect(res.status).toBe(200);
});
