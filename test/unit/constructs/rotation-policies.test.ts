import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RotationPolicies } from '../../../constructs';

describe('RotationPolicies', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policies-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  test('fromFile reads a JSON file and gives each environment its policy', () => {
    // GIVEN
    const file = write('rotation-policies.json', JSON.stringify({ production: { every: '90d', drainTimeout: '15m' }, staging: { every: '30d' } }));
    // WHEN
    const policies = RotationPolicies.fromFile(file);
    // THEN
    expect(policies.environments).toEqual(['production', 'staging']);
    expect(policies.for('production').period).toBe('90d');
    expect(policies.for('production').drainTimeout).toBe('15m');
    expect(policies.for('staging').period).toBe('30d');
    expect(policies.source).toBe(file);
  });

  test('fromFile reads YAML', () => {
    const file = write('policies.yaml', 'production:\n  every: 60d\n  requireDrain: false\n  keepers:\n    reason: audit\n');
    const policy = RotationPolicies.fromFile(file).for('production');
    expect(policy.period).toBe('60d');
    expect(policy.requireDrain).toBe(false);
    expect(policy.keepers).toEqual({ reason: 'audit' });
  });

  test('fromObject accepts the same shape', () => {
    expect(RotationPolicies.fromObject({ dev: { every: '1d' } }).for('dev').period).toBe('1d');
  });

  test('for() an unknown environment lists the known ones', () => {
    const policies = RotationPolicies.fromObject({ production: { every: '90d' }, staging: { every: '30d' } });
    expect(() => policies.for('prod')).toThrow(/no policy for environment "prod".*Known environments: "production", "staging"/);
  });

  test('a missing `every` names the environment and the field', () => {
    const file = write('p.json', JSON.stringify({ production: { drainTimeout: '5m' } }));
    expect(() => RotationPolicies.fromFile(file)).toThrow(/p\.json is not a valid policy map:\n\s+- production\.every: expected a duration string/);
  });

  test('an unknown field is rejected', () => {
    expect(() => RotationPolicies.fromObject({ production: { every: '90d', evry: '1d' } })).toThrow(/production: Unrecognized key.*"evry"/);
  });

  test('a period above 365 days in the file fails the load, naming the environment', () => {
    const file = write('p.json', JSON.stringify({ production: { every: '400d' }, staging: { every: '30d' } }));
    expect(() => RotationPolicies.fromFile(file)).toThrow(/- production: `every` is "400d", longer than 365 days/);
  });

  test('a bad duration in the file names the environment and echoes the value', () => {
    expect(() => RotationPolicies.fromObject({ staging: { every: '30 days' } }, 'policies.json')).toThrow(
      /policies\.json is not a valid policy map:\n\s+- staging: `every` must be a positive duration.*got "30 days"/,
    );
  });

  test('a bad environment name and wrongly typed fields are each listed with their key', () => {
    // GIVEN a YAML file with three mistakes
    const file = write('p.yaml', 'prod env:\n  every: 30d\nstaging:\n  every: 30d\n  requireDrain: "no"\n  keepers:\n    reason: 7\n');
    // WHEN / THEN
    expect(() => RotationPolicies.fromFile(file)).toThrow(
      /p\.yaml is not a valid policy map:\n(?=[\s\S]*- prod env: expected an environment name)(?=[\s\S]*- staging\.requireDrain: expected true or false)(?=[\s\S]*- staging\.keepers\.reason: expected a string value)/,
    );
  });

  test('an empty map is rejected', () => {
    expect(() => RotationPolicies.fromObject({})).toThrow(/expected at least one environment/);
  });

  test('a missing file says so', () => {
    expect(() => RotationPolicies.fromFile(path.join(dir, 'nope.json'))).toThrow(/cannot read ".*nope\.json": no such file/);
  });

  test('an unsupported extension says which ones are supported', () => {
    const file = write('p.toml', 'x = 1');
    expect(() => RotationPolicies.fromFile(file)).toThrow(/unsupported extension ".toml" \(expected .json, .yaml or .yml\)/);
  });

  test('a file that does not parse says so', () => {
    const file = write('p.json', '{ "production": ');
    expect(() => RotationPolicies.fromFile(file)).toThrow(/p\.json is not a valid policy map:\n\s+- it does not parse/);
  });
});
