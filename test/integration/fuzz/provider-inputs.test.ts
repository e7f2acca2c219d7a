/**
 * Property-based fuzzing of the provider (issue 9): generated hostile values in every attribute of
 * every resource, data source and of the provider block, driven the way Terraform drives them
 * (validate, then plan and apply when validation passed) through the unit harness against the
 * in-process emulator. Every case must end in success or a clear user-facing diagnostic: never
 * "Internal Provider Error", never "This is a bug", never a thrown exception, and never a
 * token-like input echoed back.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ConnectionConfigurationIdSchema, TokenIdSchema } from '../../../src/api/schemas';
import { DiagnosticsCollector, type CollectedDiagnostic } from '../../../src/provider/framework/diagnostics';
import type { DataSourceDefinition, Model, ResourceDefinition, Value } from '../../../src/provider/framework/types';
import { validateConfig } from '../../../src/provider/framework/validate';
import { configureProvider, providerSchema } from '../../../src/provider/provider-config';
import { connectionConfigurationResource } from '../../../src/provider/resources/connection-configuration';
import { durationProblem } from '../../../src/api/duration';
import { instancesDataSource } from '../../../src/provider/resources/instances-data-source';
import { tokenResource } from '../../../src/provider/resources/token';
import { tokenFileResource } from '../../../src/provider/resources/token-file';
import { tokensDataSource } from '../../../src/provider/resources/tokens-data-source';
import { startHarness, type Harness } from '../provider/resources/harness';
import { hostileString, nastyString, RUNS, secretsIn, tokenLike, wrongTyped } from '../../helpers/hostile';

let harness: Harness;
let dir: string;
let configId: string;
let tokenId: string;
let tokenValue: string;
let cases = 0;

beforeAll(async () => {
  harness = await startHarness();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protector-fuzz-'));
  const created = await harness.converge(connectionConfigurationResource, null, baseConfig(connectionConfigurationResource));
  configId = created.state!.id as string;
  const token = await harness.converge(tokenResource, null, { ...baseConfig(tokenResource), connection_configuration_id: configId });
  tokenId = token.state!.id as string;
  // protector_token keeps no value in state (store_value is off): read it from the API.
  tokenValue = (await harness.deps.api.getTokenValue(configId, tokenId)).value;
}, 60_000);
afterAll(async () => {
  await harness.close();
  fs.rmSync(dir, { recursive: true, force: true });
  // The issue asks for at least 50 generated hostile provider inputs.
  expect(cases).toBeGreaterThanOrEqual(50);
});

type Definition = ResourceDefinition | DataSourceDefinition;

function baseConfig(definition: Definition): Model {
  switch (definition) {
    case connectionConfigurationResource:
      return {
        id: null,
        created_at: null,
        name: 'fuzz',
        description: null,
        deployment_type: 'reverse_proxy',
        contract_id: 'ctr_1',
        group_id: 'grp_1',
        target: { host: 'origin.example.com', ports: [443], protocol: 'https' },
      };
    case tokenResource:
      return {
        id: null,
        connection_configuration_id: configId ?? 'ccfg_0000000000',
        rotation_period: '90d',
        keepers: { v: '1' },
        drain_timeout: '5s',
        require_drain: false,
        value: null,
        fingerprint: null,
        created_at: null,
        rotate_after: null,
      };
    case tokenFileResource:
      return {
        id: null,
        connection_configuration_id: configId,
        token_id: tokenId,
        path: path.join(dir, 'token'),
        file_permission: null,
        fingerprint: null,
        content_sha256: null,
      };
    default:
      return definition === tokensDataSource
        ? { connection_configuration_id: configId, id: null, active: null, revoked: null }
        : { connection_configuration_id: configId, id: null, instances: null };
  }
}

/** Asserts every diagnostic is a clear, user-facing one that echoes no secret. */
function expectClear(items: readonly CollectedDiagnostic[], secrets: readonly string[]): void {
  for (const item of items) {
    const text = `${item.summary}\n${item.detail}`;
    expect(item.summary).not.toMatch(/Internal|Unexpected Value From Terraform|Inconsistent/);
    expect(item.detail).not.toMatch(/this is a bug/i);
    expect(item.detail.trim().length).toBeGreaterThan(10);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

/** An attribute, and values its validator must refuse (by construction). */
interface Invalid {
  definition: Definition;
  at: (string | number)[];
  values: fc.Arbitrary<Value>;
}

const notAConfigurationId = fc.oneof(hostileString, tokenLike).filter((s) => !ConnectionConfigurationIdSchema.safeParse(s).success);
const notATokenId = fc.oneof(hostileString, tokenLike).filter((s) => !TokenIdSchema.safeParse(s).success);
const notADuration = hostileString.filter((s) => durationProblem(s) !== undefined);
const badPermission = fc.oneof(
  hostileString.filter((s) => !/^0[0-7]{3}$/.test(s)),
  fc
    .integer({ min: 0, max: 0o777 })
    .map((mode) => `0${mode.toString(8).padStart(3, '0')}`)
    .filter((m) => (parseInt(m, 8) & 0o022) !== 0 || (parseInt(m, 8) & 0o400) === 0),
);
const badPath = fc.oneof(
  tokenLike, // relative: no leading "/"
  nastyString.filter((s) => !s.startsWith('/')),
  // Without "..": "/proc/../x" is not under /proc.
  nastyString.map((s) => `/proc/${s.replace(/\.\./g, '_')}`),
  nastyString.map((s) => `/sys/${s.replace(/\.\./g, '_')}`),
  nastyString.map((s) => `/tmp/${s}/`),
  nastyString.map((s) => `/tmp/${s}\u0000/token`),
);
const notAnEnum = (allowed: string[]) => hostileString.filter((s) => !allowed.includes(s));
const badName = fc.oneof(
  fc.constant(''),
  hugeStringOver(128),
  nastyString.map((s) => ` ${s} `),
);
function hugeStringOver(limit: number): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('x', '😀', '\u202e'), fc.integer({ min: limit + 1, max: limit * 50 })).map(([unit, n]) => unit.repeat(n));
}
const badHost = hostileString.filter((s) => !(/^[A-Za-z0-9.-]+$/.test(s) && s.length <= 253));
const badPorts = fc.oneof(
  fc.constant([] as number[]),
  fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 17, maxLength: 40 }),
  fc.array(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.1, max: 2.9, noInteger: true })), { minLength: 1, maxLength: 3 }),
);

const INVALID: Invalid[] = [
  { definition: connectionConfigurationResource, at: ['name'], values: badName },
  { definition: connectionConfigurationResource, at: ['description'], values: fc.oneof(fc.constant(''), hugeStringOver(1024)) },
  { definition: connectionConfigurationResource, at: ['deployment_type'], values: notAnEnum(['kubernetes', 'reverse_proxy']) },
  { definition: connectionConfigurationResource, at: ['contract_id'], values: fc.oneof(fc.constant(''), hugeStringOver(64)) },
  { definition: connectionConfigurationResource, at: ['group_id'], values: fc.oneof(fc.constant(''), hugeStringOver(64)) },
  { definition: connectionConfigurationResource, at: ['target', 'host'], values: badHost },
  { definition: connectionConfigurationResource, at: ['target', 'ports'], values: badPorts },
  { definition: connectionConfigurationResource, at: ['target', 'protocol'], values: notAnEnum(['http', 'https']) },
  { definition: tokenResource, at: ['connection_configuration_id'], values: notAConfigurationId },
  { definition: tokenResource, at: ['rotation_period'], values: notADuration },
  { definition: tokenResource, at: ['drain_timeout'], values: notADuration },
  { definition: tokenFileResource, at: ['connection_configuration_id'], values: notAConfigurationId },
  { definition: tokenFileResource, at: ['token_id'], values: notATokenId },
  { definition: tokenFileResource, at: ['path'], values: badPath },
  { definition: tokenFileResource, at: ['file_permission'], values: badPermission },
  { definition: tokensDataSource, at: ['connection_configuration_id'], values: notAConfigurationId },
  { definition: instancesDataSource, at: ['connection_configuration_id'], values: notAConfigurationId },
];

function withValueAt(config: Model, at: (string | number)[], value: Value): Model {
  const copy = structuredClone(config) as Model;
  let node = copy as Record<string | number, Value>;
  for (const step of at.slice(0, -1)) node = node[step] as Record<string | number, Value>;
  node[at[at.length - 1]!] = value;
  return copy;
}

test('a value its attribute refuses gets an error on that attribute that says what to change and echoes no secret', () => {
  // Indexes, not definitions, in the generated values: a counterexample then prints readably.
  const anyInvalid = fc.nat({ max: INVALID.length - 1 }).chain((index) => INVALID[index]!.values.map((value) => ({ index, value })));
  fc.assert(
    fc.property(anyInvalid, ({ index, value }) => {
      const invalid = INVALID[index]!;
      cases += 1;
      const items = harness.validate(invalid.definition, withValueAt(baseConfig(invalid.definition), invalid.at, value as Value));
      const errors = items.filter((item) => item.severity === 'error');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors.map((e) => e.path)).toContainEqual(invalid.at);
      expectClear(items, secretsIn(value));
    }),
    { numRuns: RUNS ?? 120 },
  );
});

test('a value of the wrong type in any attribute never crashes validation', () => {
  const definitions: Definition[] = [connectionConfigurationResource, tokenResource, tokenFileResource, tokensDataSource, instancesDataSource];
  const anyAttribute = fc
    .nat({ max: definitions.length - 1 })
    .chain((index) =>
      fc.tuple(
        fc.constant(index),
        fc.constantFrom(...Object.keys(definitions[index]!.schema.attributes)),
        fc.oneof(wrongTyped, hostileString) as unknown as fc.Arbitrary<Value>,
      ),
    );
  fc.assert(
    fc.property(anyAttribute, ([index, attribute, value]) => {
      const definition = definitions[index]!;
      cases += 1;
      const items = harness.validate(definition, withValueAt(baseConfig(definition), [attribute], value as Value));
      expectClear(items, secretsIn(value));
    }),
    { numRuns: RUNS ?? 60 },
  );
});

const RESOURCES: Record<string, ResourceDefinition> = {
  'connection configuration': connectionConfigurationResource,
  token: tokenResource,
  'token file': tokenFileResource,
};

test('hostile values that pass validation are planned and applied to success or a clear error, never a crash', async () => {
  // Like Terraform: validate first; only a configuration without errors is planned and applied.
  const safeSegment = nastyString.map((s) => s.replace(/[/\u0000]/g, '_').replace(/^\.+$/, '_')).filter((s) => s.length > 0 && s !== '.' && s !== '..');
  const hostileCase = fc.oneof(
    fc.record({ name: hostileString, description: fc.option(hostileString, { nil: null }), contract: hostileString }).map((v) => ({
      kind: 'connection configuration',
      config: { ...baseConfig(connectionConfigurationResource), name: v.name, description: v.description, contract_id: v.contract },
      inputs: [v.name, v.description, v.contract],
    })),
    fc.tuple(fc.array(safeSegment, { minLength: 1, maxLength: 3 }), fc.constantFrom('0600', '0640', '0400')).map(([segments, mode]) => ({
      kind: 'token file',
      config: { ...baseConfig(tokenFileResource), path: path.join(dir, ...segments), file_permission: mode },
      inputs: segments,
    })),
    fc.record({ keeper: hostileString, period: fc.constantFrom('1s', '365d', '366d', '1ms', '99999999d') }).map((v) => ({
      kind: 'token',
      config: { ...baseConfig(tokenResource), keepers: { [v.keeper.slice(0, 200)]: v.keeper }, rotation_period: v.period },
      inputs: [v.keeper],
    })),
  );
  await fc.assert(
    fc.asyncProperty(hostileCase, async ({ kind, config, inputs }) => {
      const definition = RESOURCES[kind]!;
      cases += 1;
      const secrets = [...secretsIn(...inputs), tokenValue];
      const validation = harness.validate(definition, config);
      expectClear(validation, secrets);
      if (validation.some((item) => item.severity === 'error')) return;
      const plan = await harness.plan(definition, null, config);
      expectClear(harness.last, secrets);
      if (harness.last.some((item) => item.severity === 'error')) return;
      await harness.apply(definition, null, plan.planned);
      expectClear(harness.last, secrets);
    }),
    { numRuns: RUNS ?? 40 },
  );
  // No token value anywhere the provider wrote to: logs and every diagnostic of the run.
  expect(harness.everythingSaid()).not.toContain(tokenValue);
}, 180_000);

test('hostile provider arguments give clear errors on the argument and echo no secret', () => {
  const argument = fc.oneof(
    fc.record({
      edgerc: fc.oneof(
        hostileString,
        tokenLike.map((t) => `/${t}`),
      ),
    }),
    fc.record({ section: fc.oneof(hostileString, tokenLike) }),
    fc.record({
      endpoint: fc.oneof(
        hostileString,
        tokenLike,
        tokenLike.map((t) => `https://localhost:443@${t}`),
        tokenLike.map((t) => `https://x.example/${t}`),
      ),
    }),
    fc.record({ request_timeout: fc.oneof(hostileString, tokenLike) }),
    fc.record({ max_retries: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.NaN, Infinity, 1e308)) }),
  );
  fc.assert(
    fc.property(argument, (values) => {
      cases += 1;
      const config = { edgerc: null, section: null, endpoint: null, request_timeout: null, max_retries: null, ...values } as Record<string, Value>;
      // ValidateProviderConfig, then ConfigureProvider, as Terraform calls them.
      const validation = new DiagnosticsCollector();
      validateConfig(providerSchema, config, validation);
      const configure = new DiagnosticsCollector();
      expect(() => configureProvider(config, configure, { env: { HOME: dir } })).not.toThrow();
      // A file path and a section name are identifiers the error must name to be of use (and a
      // provider argument cannot hold a token of the same provider: that would be a cycle).
      const secrets = 'section' in values || 'edgerc' in values ? [] : secretsIn(values);
      expectClear(validation.items, secrets);
      expectClear(configure.items, secrets);
      expect(configure.hasErrors()).toBe(true); // no credentials in this HOME, or the argument is wrong
    }),
    { numRuns: RUNS ?? 60 },
  );
});

/** The API contract's field rules (src/api/schemas.ts) refuse these, and so must the provider (issue 9, item 11). */
test('control characters, bidi overrides and odd hosts are refused at validate time', () => {
  const controlOrBidi = fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\u0007', '\u001b[31m', '\u202e', '\u2066', '\n'), fc.string({ maxLength: 10 }))
    .map(([a, bad, b]) => `x${a}${bad}${b}`);
  const cases11 = fc.oneof(
    controlOrBidi.map((v) => ({ at: ['name'], value: v })),
    controlOrBidi.map((v) => ({ at: ['description'], value: v })),
    controlOrBidi.map((v) => ({ at: ['contract_id'], value: v })),
    fc.constantFrom('-.-', '...', '-', 'a..b', '.example.com').map((v) => ({ at: ['target', 'host'], value: v })),
  );
  fc.assert(
    fc.property(cases11, ({ at, value }) => {
      const items = harness.validate(connectionConfigurationResource, withValueAt(baseConfig(connectionConfigurationResource), at, value));
      expect(items.filter((item) => item.severity === 'error').map((item) => item.path)).toContainEqual(at);
    }),
    { numRuns: 60 },
  );
});
