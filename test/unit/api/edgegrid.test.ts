import { inspect } from 'node:util';
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

  test('every attempt gets a fresh nonce', () => {
    const a = signer.sign({ method: 'GET', pathAndQuery: '/x' });
    const b = signer.sign({ method: 'GET', pathAndQuery: '/x' });
    expect(nonceOf(a.authorization)).not.toBe(nonceOf(b.authorization));
  });
});

function nonceOf(header: string): string | undefined {
  return /nonce=([^;]+)/.exec(header)?.[1];
}
