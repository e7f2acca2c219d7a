import * as z from 'zod';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { describeSchemaIssues, describeTransportFailure, redactSecrets } from '../../../src/api/redact';
import { TokenWithValueSchema } from '../../../src/api/schemas';

const SECRET = 'aap_VerySecretTokenValueThatMustNeverLeak_0123456789';

describe('redactSecrets', () => {
  test('replaces each secret with its fingerprint, and masks authorization credentials', () => {
    const text = `token ${SECRET} refused; header was Bearer abc.def and EG1-HMAC-SHA256 client_token=x;signature=y`;
    const result = redactSecrets(text, [SECRET]);
    expect(result).not.toContain(SECRET);
    expect(result).toContain(`[redacted ${fingerprintOf(SECRET)}]`);
    expect(result).toContain('Bearer [redacted]');
    expect(result).not.toContain('signature=y');
  });

  test('leaves short strings alone so ordinary prose survives', () => {
    expect(redactSecrets('a token is not valid', ['a', undefined])).toBe('a token is not valid');
  });
});

describe('describeSchemaIssues', () => {
  test('names the field and what was expected, never the value received', () => {
    const body = {
      tokenId: 'tok_aaaaaaaaaa',
      connectionConfigurationId: 'ccfg_bbbbbbbbbb',
      status: 'SOMETHING',
      fingerprint: 42,
      deploymentType: 'KUBERNETES',
      createdAt: '2026-01-01T00:00:00Z',
      value: 'short-but-secret',
    };
    const result = TokenWithValueSchema.safeParse(body);
    expect(result.success).toBe(false);
    const lines = describeSchemaIssues(result.error!.issues);
    expect(lines).toEqual(expect.arrayContaining(['status: expected one of "ACTIVE", "REVOKED"', 'fingerprint: expected string', 'value: too small (minimum 32)']));
    expect(lines.join('\n')).not.toContain('short-but-secret');
    expect(lines.join('\n')).not.toContain('SOMETHING');
  });

  test('lists at most a few issues', () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string() });
    const issues = schema.safeParse({}).error!.issues;
    expect(describeSchemaIssues(issues, 2)).toEqual(['a: expected string', 'b: expected string', '... and 1 more']);
  });
});

describe('describeTransportFailure', () => {
  test('keeps only the code and known phrases of an error', () => {
    const error = Object.assign(new Error(`socket hang up while sending ${SECRET}`), {
      code: 'ECONNRESET',
      config: { data: SECRET },
    });
    const failure = describeTransportFailure(error);
    expect(failure).toEqual({ code: 'ECONNRESET', summary: 'ECONNRESET (socket hang up)' });
  });

  test('an unknown message is reduced to its code', () => {
    expect(describeTransportFailure(Object.assign(new Error(SECRET), { code: 'EWHATEVER' })).summary).toBe('EWHATEVER');
    expect(describeTransportFailure('weird').code).toBe('UNKNOWN');
  });
});
