import { InvalidClientOptionsError, ProtectorClient, type ProtectorClientOptions } from '../../../src/api';
import { UsageError } from '../../../src/errors';

const credentials = {
  host: 'http://127.0.0.1:4321',
  clientToken: 'akab-client-token',
  clientSecret: 'c2VjcmV0LXNlY3JldA==',
  accessToken: 'akab-access-token',
};

const make = (options: Partial<ProtectorClientOptions>) => () => new ProtectorClient({ credentials, ...options });

test('sensible tuning is accepted', () => {
  expect(make({ timeoutMs: 1, maxRetries: 0, retry: { baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } })).not.toThrow();
  expect(make({ timeoutMs: 120_000, maxRetries: 20 })).not.toThrow();
});

test.each([
  // axios reads a timeout of 0 as "no timeout": a call could hang for ever.
  [{ timeoutMs: 0 }, /`timeoutMs`.*got 0/],
  [{ timeoutMs: Number.NaN }, /`timeoutMs`/],
  // An endless retry loop, or none that makes sense.
  [{ maxRetries: Number.POSITIVE_INFINITY }, /`maxRetries`.*got Infinity/],
  [{ maxRetries: -1 }, /`maxRetries`/],
  [{ maxRetries: 1.5 }, /`maxRetries`/],
  [{ retry: { baseDelayMs: -10 } }, /`retry.baseDelayMs`/],
  [{ retry: { maxDelayMs: Number.POSITIVE_INFINITY } }, /`retry.maxDelayMs`/],
])('%o is refused with a usage error naming the option', (options, message) => {
  expect(make(options)).toThrow(InvalidClientOptionsError);
  expect(make(options)).toThrow(UsageError);
  expect(make(options)).toThrow(message);
});
