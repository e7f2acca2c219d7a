import { parseInstanceOptions, parseInterval } from '../../../src/instance/options';
import { UsageError } from '../../../src/errors';

const valid = {
  endpoint: 'http://127.0.0.1:8080',
  tokenFile: 'token',
  id: 'pod-1',
  deploymentType: 'kubernetes',
  interval: '500ms',
  version: '1.0.0',
};

describe('parseInterval', () => {
  test.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['750', 750],
  ])('%s is %d ms', (raw, ms) => expect(parseInterval(raw)).toBe(ms));

  test.each([['10ms'], ['2h'], ['fast'], ['-1s'], ['']])('%s is refused', (raw) => {
    expect(() => parseInterval(raw)).toThrow(/--interval .* use e\.g\. 500ms, 2s or 1m/);
  });
});

describe('parseInstanceOptions', () => {
  test('takes the API base URL, or the full heartbeat URL', () => {
    expect(parseInstanceOptions(valid).endpoint).toBe('http://127.0.0.1:8080');
    expect(parseInstanceOptions({ ...valid, endpoint: 'http://127.0.0.1:8080/' }).endpoint).toBe('http://127.0.0.1:8080');
    expect(parseInstanceOptions({ ...valid, endpoint: 'http://127.0.0.1:8080/protector/v1/instances/heartbeat' }).endpoint).toBe('http://127.0.0.1:8080');
  });

  test('normalises the deployment type and resolves the token file', () => {
    const options = parseInstanceOptions({ ...valid, deploymentType: 'reverse_proxy' });
    expect(options.deploymentType).toBe('REVERSE_PROXY');
    expect(options.tokenFile).toBe(`${process.cwd()}/token`);
    expect(parseInstanceOptions({ ...valid, deploymentType: 'KUBERNETES' }).deploymentType).toBe('KUBERNETES');
  });

  test.each([
    [{ endpoint: 'not a url' }, /--endpoint "not a url" is not a URL/],
    [{ endpoint: 'ftp://x' }, /--endpoint must be an http or https URL/],
    // Otherwise every heartbeat would fail with the same complaint, for ever.
    [{ endpoint: 'http://127.0.0.1:8080/api' }, /--endpoint "http:\/\/127.0.0.1:8080\/api" has a path or query; pass the API base URL/],
    [{ endpoint: 'http://127.0.0.1:8080/?x=1' }, /--endpoint .* has a path/],
    [{ id: 'has space' }, /--id "has space" is not a valid instance id/],
    [{ deploymentType: 'vm' }, /--deployment-type "vm" is not one of kubernetes, reverse_proxy/],
  ])('%o is a usage error', (override, message) => {
    const attempt = () => parseInstanceOptions({ ...valid, ...override });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});
