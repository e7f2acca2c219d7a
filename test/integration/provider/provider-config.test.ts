import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtectorClient } from '../../../src/api/client';
import { RequestCancelledError } from '../../../src/api/errors';
import { DiagnosticsCollector } from '../../../src/provider/framework/diagnostics';
import { Unknown, type Value } from '../../../src/provider/framework/types';
import { configureProvider, parseProviderSettings, providerSchema } from '../../../src/provider/provider-config';

const EDGERC = [
  '[default]',
  'host = http://127.0.0.1:9',
  'client_token = akab-client-token-0000000000000000',
  'client_secret = c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',
  'access_token = akab-access-token-0000000000000000',
  '',
].join('\n');

function block(values: Record<string, Value> = {}): Record<string, Value> {
  return { edgerc: null, section: null, endpoint: null, request_timeout: null, max_retries: null, ...values };
}

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'protector-provider-config-'));
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('provider block schema', () => {
  test('every argument is optional and has a full-sentence description', () => {
    for (const [name, attribute] of Object.entries(providerSchema.attributes)) {
      expect({ name, optional: attribute.optional }).toEqual({ name, optional: true });
      expect(attribute.description).toMatch(/^[A-Z`].*\.$/s);
    }
    expect(Object.keys(providerSchema.attributes).sort()).toEqual(['edgerc', 'endpoint', 'max_retries', 'request_timeout', 'section']);
  });
});

describe('parseProviderSettings', () => {
  test('applies the defaults when nothing is set', () => {
    const diagnostics = new DiagnosticsCollector();
    expect(parseProviderSettings(block(), diagnostics, { HOME: home })).toEqual({
      edgerc: undefined,
      section: undefined,
      endpoint: undefined,
      requestTimeoutMs: 30_000,
      maxRetries: 5,
    });
    expect(diagnostics.items).toEqual([]);
  });

  test('expands ~ in edgerc and parses the request timeout', () => {
    const settings = parseProviderSettings(block({ edgerc: '~/creds/.edgerc', request_timeout: '1m30s', max_retries: 0 }), new DiagnosticsCollector(), { HOME: home });
    expect(settings).toMatchObject({ edgerc: path.join(home, 'creds/.edgerc'), requestTimeoutMs: 90_000, maxRetries: 0 });
  });

  test.each([
    ['request_timeout', 'soon', /request_timeout.*expected a duration such as "30s".*got "soon"/],
    ['request_timeout', '20m', /expected a request timeout from "1s" to "10m", got "20m"/],
    ['max_retries', 11, /max_retries.*expected a whole number from 0 to 10, got 11/],
    ['max_retries', 1.5, /expected a whole number from 0 to 10, got 1.5/],
    ['endpoint', 'ftp://example.com', /endpoint.*scheme http or https.*got "ftp:\/\/example.com"/],
    ['endpoint', 'https://example.com/protector', /no path, query or user info/],
    ['section', 'my section', /expected a section name.*got "my section"/],
  ])('rejects %s = %p with an expected-vs-got error on that attribute', (name, value, message) => {
    const diagnostics = new DiagnosticsCollector();
    expect(parseProviderSettings(block({ [name]: value }), diagnostics, { HOME: home })).toBeUndefined();
    expect(diagnostics.items).toHaveLength(1);
    expect(diagnostics.items[0]).toMatchObject({ severity: 'error', summary: 'Invalid Provider Argument', path: [name] });
    expect(diagnostics.items[0]!.detail).toMatch(message);
  });

  test('an argument known only after apply is an error naming it', () => {
    const diagnostics = new DiagnosticsCollector();
    expect(parseProviderSettings(block({ endpoint: Unknown }), diagnostics, { HOME: home })).toBeUndefined();
    expect(diagnostics.items).toEqual([expect.objectContaining({ summary: 'Provider Argument Not Known Until Apply', path: ['endpoint'] })]);
  });
});

describe('configureProvider', () => {
  test('builds a client from the named edgerc file and section', () => {
    const edgerc = path.join(home, 'emulator.edgerc');
    fs.writeFileSync(edgerc, EDGERC.replace('[default]', '[emulator]'));
    const diagnostics = new DiagnosticsCollector();
    const deps = configureProvider(block({ edgerc, section: 'emulator' }), diagnostics, { env: { HOME: home } });
    expect(diagnostics.items).toEqual([]);
    expect(deps?.api).toBeInstanceOf(ProtectorClient);
    expect(deps?.clock.now()).toBeInstanceOf(Date);
  });

  test('falls back to the AKAMAI_* environment variables', () => {
    const diagnostics = new DiagnosticsCollector();
    const deps = configureProvider(block(), diagnostics, {
      env: {
        HOME: home,
        AKAMAI_HOST: 'akab-host.luna.akamaiapis.net',
        AKAMAI_CLIENT_TOKEN: 'akab-client-token',
        AKAMAI_CLIENT_SECRET: 'secret',
        AKAMAI_ACCESS_TOKEN: 'akab-access-token',
      },
    });
    expect(diagnostics.items).toEqual([]);
    expect(deps).toBeDefined();
  });

  test('missing credentials give one diagnostic naming what to set', () => {
    const diagnostics = new DiagnosticsCollector();
    expect(configureProvider(block(), diagnostics, { env: { HOME: home } })).toBeUndefined();
    expect(diagnostics.items).toHaveLength(1);
    expect(diagnostics.items[0]).toMatchObject({ severity: 'error', summary: 'Missing API Credentials' });
    expect(diagnostics.items[0]!.detail).toMatch(/`edgerc`/);
    expect(diagnostics.items[0]!.detail).toMatch(/AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET and AKAMAI_ACCESS_TOKEN/);
  });

  test('an edgerc file that does not exist is an error on edgerc, not a silent fallback', () => {
    const diagnostics = new DiagnosticsCollector();
    const missing = path.join(home, 'nope.edgerc');
    expect(configureProvider(block({ edgerc: missing }), diagnostics, { env: { HOME: home } })).toBeUndefined();
    expect(diagnostics.items).toEqual([expect.objectContaining({ summary: 'Missing .edgerc File', path: ['edgerc'] })]);
    expect(diagnostics.items[0]!.detail).toContain(missing);
  });

  // Issue 9, item 10: a missing named section fell back silently to the AKAMAI_* variables.
  test('a section missing from the edgerc file is an error on section naming the file and its sections, not a fallback', () => {
    const edgerc = path.join(home, 'team.edgerc');
    fs.writeFileSync(edgerc, EDGERC + EDGERC.replace('[default]', '[emulator]'));
    const env = { HOME: home, AKAMAI_HOST: 'akab-prod.luna.akamaiapis.net', AKAMAI_CLIENT_TOKEN: 'a', AKAMAI_CLIENT_SECRET: 'b', AKAMAI_ACCESS_TOKEN: 'c' };
    const cases: Array<Record<string, Value>> = [{ edgerc, section: 'typo' }, { section: 'typo' }];
    for (const settings of cases) {
      if (!('edgerc' in settings)) fs.copyFileSync(edgerc, path.join(home, '.edgerc'));
      const diagnostics = new DiagnosticsCollector();
      expect(configureProvider(block(settings), diagnostics, { env })).toBeUndefined();
      expect(diagnostics.items).toEqual([expect.objectContaining({ severity: 'error', summary: 'Missing API Credentials', path: ['section'] })]);
      expect(diagnostics.items[0]!.detail).toMatch(/has no section \[typo\]; it has \[default\] and \[emulator\]/);
    }
  });

  test('a named section without an edgerc file reads only AKAMAI_<SECTION>_* variables', () => {
    const plain = { AKAMAI_HOST: 'akab-prod.luna.akamaiapis.net', AKAMAI_CLIENT_TOKEN: 'a', AKAMAI_CLIENT_SECRET: 'b', AKAMAI_ACCESS_TOKEN: 'c' };
    const diagnostics = new DiagnosticsCollector();
    expect(configureProvider(block({ section: 'staging' }), diagnostics, { env: { HOME: home, ...plain } })).toBeUndefined();
    expect(diagnostics.items[0]!.detail).toMatch(/AKAMAI_STAGING_HOST/);
    const scoped = { AKAMAI_STAGING_HOST: 'http://127.0.0.1:9', AKAMAI_STAGING_CLIENT_TOKEN: 'a', AKAMAI_STAGING_CLIENT_SECRET: 'b', AKAMAI_STAGING_ACCESS_TOKEN: 'c' };
    const deps = configureProvider(block({ section: 'staging' }), new DiagnosticsCollector(), { env: { HOME: home, ...plain, ...scoped } });
    expect(deps?.api.host).toBe('http://127.0.0.1:9');
  });

  test('endpoint overrides the host of the credentials', async () => {
    // The edgerc host points at a closed port; the endpoint at a local server that answers 404.
    const http = await import('node:http');
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'https://problems.protector-iac.dev/not-found', title: 'Not Found', status: 404 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as import('node:net').AddressInfo).port;
      const edgerc = path.join(home, '.edgerc');
      fs.writeFileSync(edgerc, EDGERC);
      const deps = configureProvider(block({ edgerc, endpoint: `http://127.0.0.1:${port}`, max_retries: 0 }), new DiagnosticsCollector(), {
        env: { HOME: home },
      });
      await expect(deps!.api.getConnectionConfiguration('ccfg_0000000000')).rejects.toThrow();
      expect(seen).toEqual(['/protector/v1/connection-configurations/ccfg_0000000000']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('the stop signal given at configure time cancels API calls (StopProvider interrupts any wait)', async () => {
    // Issue 9, item 2: the client's retries and waits used to ignore StopProvider.
    const edgerc = path.join(home, '.edgerc');
    fs.writeFileSync(edgerc, EDGERC);
    const stop = new AbortController();
    const deps = configureProvider(block({ edgerc }), new DiagnosticsCollector(), { env: { HOME: home }, signal: stop.signal });
    stop.abort();
    await expect(deps!.api.listConnectionConfigurations()).rejects.toBeInstanceOf(RequestCancelledError);
  });

  test('sleep resolves after the delay and rejects once aborted', async () => {
    const { sleep } = await import('../../../src/provider/provider-config');
    await expect(sleep(5)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
