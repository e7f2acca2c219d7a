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

  const PLAIN_ENV = { AKAMAI_HOST: 'plain.example.com', AKAMAI_CLIENT_TOKEN: 'ct2', AKAMAI_CLIENT_SECRET: 'cs2', AKAMAI_ACCESS_TOKEN: 'at2' };
  const PROD_EU_ENV = {
    AKAMAI_PROD_EU_HOST: 'prod.example.com',
    AKAMAI_PROD_EU_CLIENT_TOKEN: 'ct1',
    AKAMAI_PROD_EU_CLIENT_SECRET: 'cs1',
    AKAMAI_PROD_EU_ACCESS_TOKEN: 'at1',
  };

  // Issue 9, item 10: a typo in a section name silently used whatever AKAMAI_* held (in CI, production).
  test('a named section missing from the file fails naming the file and the sections it has, whatever the environment holds', () => {
    const path = edgerc(`[default]\n${FULL_SECTION}\n[emulator]\n${FULL_SECTION}\n`);
    for (const env of [{}, PLAIN_ENV, { ...PLAIN_ENV, ...PROD_EU_ENV }]) {
      const attempt = () => loadCredentials({ edgerc: path, section: 'prod-eu', env });
      expect(attempt).toThrow(CredentialsError);
      expect(attempt).toThrow(`${path} has no section [prod-eu]; it has [default] and [emulator]`);
    }
  });

  test('a section given without a file fails the same way when ~/.edgerc lacks it', () => {
    mkdirSync(join(dir, 'home'));
    writeFileSync(join(dir, 'home', '.edgerc'), `[default]\n${FULL_SECTION}\n`);
    const attempt = () => loadCredentials({ section: 'typo', env: { HOME: join(dir, 'home'), ...PLAIN_ENV } });
    expect(attempt).toThrow(`${join(dir, 'home', '.edgerc')} has no section [typo]; it has [default]`);
  });

  test('an .edgerc file named explicitly that does not exist fails, whatever the environment holds', () => {
    const absent = join(dir, 'absent');
    expect(() => loadCredentials({ edgerc: absent, env: PLAIN_ENV })).toThrow(`${absent} does not exist`);
  });

  test('without an .edgerc file, a named section reads only its own AKAMAI_<SECTION>_* variables', () => {
    const env = { HOME: dir };
    expect(loadCredentials({ section: 'prod-eu', env: { ...env, ...PROD_EU_ENV, ...PLAIN_ENV } }).host).toBe('https://prod.example.com');
    const attempt = () => loadCredentials({ section: 'prod-eu', env: { ...env, ...PLAIN_ENV } });
    expect(attempt).toThrow(CredentialsError);
    expect(attempt).toThrow(/AKAMAI_PROD_EU_HOST/);
    expect(attempt).not.toThrow(/AKAMAI_HOST,/);
  });

  test('environment variables are used when there is no ~/.edgerc and nothing is named', () => {
    const env = { HOME: dir, AKAMAI_HOST: 'h.example.com', AKAMAI_CLIENT_TOKEN: 'a', AKAMAI_CLIENT_SECRET: 'b', AKAMAI_ACCESS_TOKEN: 'c' };
    expect(loadCredentials({ env }).host).toBe('https://h.example.com');
  });

  test('a partial set of variables names the missing ones', () => {
    const env = { HOME: dir, AKAMAI_HOST: 'h.example.com', AKAMAI_CLIENT_SECRET: 'secret-value-here' };
    const attempt = () => loadCredentials({ env });
    expect(attempt).toThrow(/AKAMAI_HOST and AKAMAI_CLIENT_SECRET are set but AKAMAI_CLIENT_TOKEN and AKAMAI_ACCESS_TOKEN are not/);
    expect(attempt).not.toThrow(/secret-value-here/);
  });

  test('nothing anywhere: the error lists every place it looked', () => {
    let message = '';
    try {
      loadCredentials({ section: 'staging', env: { HOME: dir } });
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialsError);
      message = (error as Error).message;
    }
    expect(message).toContain(`${join(dir, '.edgerc')} (file does not exist)`);
    expect(message).toContain('AKAMAI_STAGING_HOST');
    expect(message).toContain('[staging]');
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
