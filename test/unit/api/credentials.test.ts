import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsError, loadCredentials, normaliseHost, parseIni } from '../../../src/api/credentials';

const FULL_SECTION = [
  'host = akab-abc.luna.akamaiapis.net',
  'client_token = akab-client-token',
  'client_secret = c2VjcmV0LXNlY3JldA==',
  'access_token = akab-access-token',
].join('\n');

describe('loadCredentials', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'creds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function edgerc(text: string, name = '.edgerc'): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  test('reads the default section of an .edgerc file and makes a bare host https', () => {
    const path = edgerc(`[default]\n${FULL_SECTION}\n`);
    expect(loadCredentials({ edgerc: path, env: {} })).toEqual({
      host: 'https://akab-abc.luna.akamaiapis.net',
      clientToken: 'akab-client-token',
      clientSecret: 'c2VjcmV0LXNlY3JldA==',
      accessToken: 'akab-access-token',
    });
  });

  test('reads a named section, keeps an explicit http scheme and port, ignores comments and quotes', () => {
    const path = edgerc(
      [
        '; comment',
        '[default]',
        FULL_SECTION,
        '[emulator]',
        '# another comment',
        'host = http://127.0.0.1:4321/',
        'client_token = "ct"',
        "client_secret = 'se;cret#1' ; inline comment",
        'access_token=at   ',
      ].join('\n'),
    );
    expect(loadCredentials({ edgerc: path, section: 'emulator', env: {} })).toEqual({
      host: 'http://127.0.0.1:4321',
      clientToken: 'ct',
      clientSecret: 'se;cret#1',
      accessToken: 'at',
    });
  });

  test('expands ~ to the home directory of the given environment', () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.edgerc'), `[default]\n${FULL_SECTION}\n`);
    expect(loadCredentials({ env: { HOME: home } }).clientToken).toBe('akab-client-token');
    expect(loadCredentials({ edgerc: '~/.edgerc', env: { HOME: home } }).accessToken).toBe('akab-access-token');
  });

  test('an incomplete section names the missing keys and the file, never a secret', () => {
    const path = edgerc('[default]\nhost = h.example.com\nclient_secret = topsecretvalue\n');
    const attempt = () => loadCredentials({ edgerc: path, env: {} });
    expect(attempt).toThrow(CredentialsError);
    expect(attempt).toThrow(`Section [default] of ${path} is missing client_token and access_token`);
    expect(() => attempt()).not.toThrow(/topsecretvalue/);
  });

  test('falls back to AKAMAI_<SECTION>_* and then AKAMAI_* when the file has no such section', () => {
    const path = edgerc(`[default]\n${FULL_SECTION}\n`);
    const sectionEnv = {
      AKAMAI_PROD_EU_HOST: 'prod.example.com',
      AKAMAI_PROD_EU_CLIENT_TOKEN: 'ct1',
      AKAMAI_PROD_EU_CLIENT_SECRET: 'cs1',
      AKAMAI_PROD_EU_ACCESS_TOKEN: 'at1',
      AKAMAI_HOST: 'plain.example.com',
      AKAMAI_CLIENT_TOKEN: 'ct2',
      AKAMAI_CLIENT_SECRET: 'cs2',
      AKAMAI_ACCESS_TOKEN: 'at2',
    };
    expect(loadCredentials({ edgerc: path, section: 'prod-eu', env: sectionEnv }).host).toBe('https://prod.example.com');
    const plainOnly = { AKAMAI_HOST: 'http://localhost:9', AKAMAI_CLIENT_TOKEN: 'a', AKAMAI_CLIENT_SECRET: 'b', AKAMAI_ACCESS_TOKEN: 'c' };
    expect(loadCredentials({ edgerc: path, section: 'prod-eu', env: plainOnly })).toEqual({
      host: 'http://localhost:9',
      clientToken: 'a',
      clientSecret: 'b',
      accessToken: 'c',
    });
  });

  test('environment variables are used when the file does not exist', () => {
    const env = { AKAMAI_HOST: 'h.example.com', AKAMAI_CLIENT_TOKEN: 'a', AKAMAI_CLIENT_SECRET: 'b', AKAMAI_ACCESS_TOKEN: 'c' };
    expect(loadCredentials({ edgerc: join(dir, 'absent'), env }).host).toBe('https://h.example.com');
  });

  test('a partial set of variables names the missing ones', () => {
    const env = { AKAMAI_HOST: 'h.example.com', AKAMAI_CLIENT_SECRET: 'secret-value-here' };
    const attempt = () => loadCredentials({ edgerc: join(dir, 'absent'), env });
    expect(attempt).toThrow(/AKAMAI_HOST and AKAMAI_CLIENT_SECRET are set but AKAMAI_CLIENT_TOKEN and AKAMAI_ACCESS_TOKEN are not/);
    expect(attempt).not.toThrow(/secret-value-here/);
  });

  test('nothing anywhere: the error lists every place it looked', () => {
    const path = join(dir, 'absent');
    let message = '';
    try {
      loadCredentials({ edgerc: path, section: 'staging', env: {} });
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialsError);
      message = (error as Error).message;
    }
    expect(message).toContain(`${path} (file does not exist)`);
    expect(message).toContain('AKAMAI_STAGING_HOST');
    expect(message).toContain('AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET, AKAMAI_ACCESS_TOKEN');
    expect(message).toContain('[staging]');
  });

  test('a file without the section says so', () => {
    const path = edgerc(`[default]\n${FULL_SECTION}\n`);
    expect(() => loadCredentials({ edgerc: path, section: 'other', env: {} })).toThrow(`${path} (no section [other])`);
  });

  test('a directory given as the file is a usage error', () => {
    expect(() => loadCredentials({ edgerc: dir, env: {} })).toThrow(/is a directory/);
  });
});

describe('normaliseHost', () => {
  test.each([
    ['akab-x.luna.akamaiapis.net', 'https://akab-x.luna.akamaiapis.net'],
    ['https://akab-x.luna.akamaiapis.net/', 'https://akab-x.luna.akamaiapis.net'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['127.0.0.1:8080', 'https://127.0.0.1:8080'],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseHost(raw, 'host')).toBe(expected);
  });

  test.each([['ftp://x.example.com'], ['https://x.example.com/some/path'], ['http://']])('rejects %s', (raw) => {
    expect(() => normaliseHost(raw, 'host in [default]')).toThrow(CredentialsError);
  });
});

describe('parseIni', () => {
  test('later keys win and keys are lower-cased with dashes as underscores', () => {
    const sections = parseIni('[a]\nHost = one\nhost = two\nmax-body = 131072\n');
    expect(sections.get('a')).toEqual({ host: 'two', max_body: '131072' });
  });
});
