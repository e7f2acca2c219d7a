/**
 * Issue 9, item 1: a client pointed at a server that is not the token API must never read its
 * 404s as "the object is gone" (the provider drops such objects from state). Only a problem+json
 * of the contract's not-found type means gone; any other 404 is an unexpected answer naming the
 * endpoint. Real HTTP on loopback against a foreign server (test/helpers/foreign-http-server.ts).
 */
import { NotFoundError, ProtectorClient, UnexpectedResponseError } from '../../../src/api';
import { type ForeignServer, startForeignServer } from '../../helpers/foreign-http-server';

let server: ForeignServer;
let client: ProtectorClient;
beforeAll(async () => {
  server = await startForeignServer();
  client = new ProtectorClient({
    credentials: { host: server.url, clientToken: 'akab-client', clientSecret: 'c2VjcmV0LXNlY3JldA==', accessToken: 'akab-access' },
    maxRetries: 0,
  });
});
afterAll(async () => {
  await server.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test.each([
  ['an HTML page', 'ccfg_htmlpage00'],
  ['an empty body', 'ccfg_empty00000'],
  ['a JSON body of another API', 'ccfg_json000000'],
  ['an about:blank problem', 'ccfg_blank00000'],
])('a 404 with %s is an unexpected response that names the endpoint', async (_case, configId) => {
  const error = await rejectionOf(client.getConnectionConfiguration(configId));
  expect(error).not.toBeInstanceOf(NotFoundError);
  expect(error).toBeInstanceOf(UnexpectedResponseError);
  expect(error.message).toContain(server.url);
  expect(error.message).toContain(`/connection-configurations/${configId}`);
});

test('a token read and a DELETE retry do not take a foreign 404 for "gone" either', async () => {
  await expect(client.getToken('ccfg_htmlpage00', 'tok_aaaaaaaaaa')).rejects.toBeInstanceOf(UnexpectedResponseError);
  await expect(client.deleteConnectionConfiguration('ccfg_htmlpage00')).rejects.toBeInstanceOf(UnexpectedResponseError);
});
