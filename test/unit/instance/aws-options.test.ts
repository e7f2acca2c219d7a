import { parseInstanceOptions } from '../../../src/instance/options';

const base = { endpoint: 'http://127.0.0.1:8080', id: 'vm-1', deploymentType: 'reverse_proxy', interval: '500ms', version: '1.0.0' };

describe('parseInstanceOptions with --aws-secret-id', () => {
  test('takes the secret, region, endpoint and refresh interval; the refresh defaults to the Agent TTL of 5 minutes', () => {
    expect(parseInstanceOptions({ ...base, awsSecretId: 'protector/token' }).awsSecret).toEqual({ secretId: 'protector/token', refreshMs: 300_000 });
    const options = parseInstanceOptions({
      ...base,
      awsSecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:protector/token-AbCdEf',
      awsRegion: 'eu-west-1',
      awsEndpoint: 'http://127.0.0.1:4566',
      awsRefreshInterval: '2s',
    });
    expect(options).toMatchObject({
      awsSecret: {
        secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:protector/token-AbCdEf',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:4566',
        refreshMs: 2000,
      },
    });
    expect(options.tokenFile).toBeUndefined();
  });

  test.each<[object, RegExp]>([
    [{}, /pass exactly one of --token-file PATH .* and --aws-secret-id ID/],
    [{ tokenFile: 't', awsSecretId: 's' }, /pass exactly one of/],
    [{ tokenFile: 't', awsRegion: 'eu-west-1' }, /--aws-region only apply with --aws-secret-id/],
    [{ awsSecretId: 'has space' }, /--aws-secret-id "has space" is not a secret name or ARN/],
    [{ awsSecretId: 's', awsRegion: 'Europe' }, /--aws-region "Europe" is not an AWS region such as eu-west-1/],
    [{ awsSecretId: 's', awsEndpoint: 'localhost:4566' }, /--aws-endpoint "localhost:4566" is not an http\(s\) URL/],
    [{ awsSecretId: 's', awsRefreshInterval: '2h' }, /--aws-refresh-interval "2h" is not a duration between 50ms and 1h/],
  ])('%j is refused, saying what to pass', (flags, message) => {
    expect(() => parseInstanceOptions({ ...base, ...flags })).toThrow(message);
  });
});
