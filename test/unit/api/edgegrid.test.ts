import { inspect } from 'node:util';
import axios from 'axios';
import { EdgeGridSigner } from '../../../src/api/edgegrid';

const credentials = {
  host: 'http://127.0.0.1:4321',
  clientToken: 'akab-client-token',
  clientSecret: 'c2VjcmV0LXNlY3JldA==',
  accessToken: 'akab-access-token',
};

describe('EdgeGridSigner', () => {
  const signer = new EdgeGridSigner(credentials);

  test('produces an EG1-HMAC-SHA256 header for the exact URL, without the secret in it', () => {
    const signed = signer.sign({ method: 'get', pathAndQuery: '/protector/v1/connection-configurations?page=2' });
    expect(signed.url).toBe('http://127.0.0.1:4321/protector/v1/connection-configurations?page=2');
    expect(signed.authorization).toMatch(
      /^EG1-HMAC-SHA256 client_token=akab-client-token;access_token=akab-access-token;timestamp=\d{8}T\d\d:\d\d:\d\d\+0000;nonce=[0-9a-f-]{36};signature=[A-Za-z0-9+/]+=*$/,
    );
    expect(signed.authorization).not.toContain(credentials.clientSecret);
  });

  test('an https host stays https', () => {
    const https = new EdgeGridSigner({ ...credentials, host: 'https://akab-x.luna.akamaiapis.net' });
    const a = https.sign({ method: 'POST', pathAndQuery: '/p', body: '{"a":1}' });
    expect(a.url).toBe('https://akab-x.luna.akamaiapis.net/p');
  });

  test('a debug dump of the signer does not show the secret', () => {
    expect(inspect(signer, { depth: 10 })).not.toContain(credentials.clientSecret);
  });

  test('making many signers leaves the global axios instance alone', () => {
    // akamai-edgegrid's constructor adds two logging interceptors to axios' global instance each
    // time it runs: a process that makes a client per configuration must not pile them up.
    const interceptors = () => (axios.interceptors.request as unknown as { handlers: unknown[] }).handlers.length;
    new EdgeGridSigner(credentials).sign({ method: 'GET', pathAndQuery: '/x' });
    const before = interceptors();
    for (let i = 0; i < 20; i++) new EdgeGridSigner({ ...credentials, clientToken: `akab-client-${i}` }).sign({ method: 'GET', pathAndQuery: '/x' });
    expect(interceptors()).toBe(before);
  });

  test('signers with different credentials do not mix them up', () => {
    const other = new EdgeGridSigner({ ...credentials, clientToken: 'akab-other-client', host: 'http://127.0.0.1:9999' });
    const mine = signer.sign({ method: 'GET', pathAndQuery: '/x' });
    const theirs = other.sign({ method: 'GET', pathAndQuery: '/x' });
    expect(mine.authorization).toContain('client_token=akab-client-token;');
    expect(mine.url).toBe('http://127.0.0.1:4321/x');
    expect(theirs.authorization).toContain('client_token=akab-other-client;');
    expect(theirs.url).toBe('http://127.0.0.1:9999/x');
  });

  test('every attempt gets a fresh nonce', () => {
    const a = signer.sign({ method: 'GET', pathAndQuery: '/x' });
    const b = signer.sign({ method: 'GET', pathAndQuery: '/x' });
    expect(nonceOf(a.authorization)).not.toBe(nonceOf(b.authorization));
  });
});

function nonceOf(header: string): string | undefined {
  return /nonce=([^;]+)/.exec(header)?.[1];
}
