/**
 * The ephemeral resource RPCs of ProviderService over the wire encoding (msgpack DynamicValues),
 * without gRPC: schema listing, validate, open (result, errors, scrubbing), renew and close.
 */
import { decodeMsgpack, encodeMsgpack } from '../../../../src/provider/codec/cty-msgpack';
import { ProviderService, type ScopedLogger } from '../../../../src/provider/tfplugin6/provider-service';
import {
  defineEphemeralResource,
  defineProviderConfig,
  Unknown,
  type EphemeralResourceDefinition,
  type LogFields,
  type Model,
  type Value,
} from '../../../../src/provider/framework/types';
import { impliedType } from '../../../../src/provider/framework/values';
import { testContext } from './test-resource';

const SECRET = 'eph-value-0123456789abcdef0123456789abcdef';

type Lease = { name: Value; value: Value };

function leaseResource(open: (config: Lease) => Promise<Lease>): EphemeralResourceDefinition {
  return defineEphemeralResource<Lease>({
    typeName: 'test_lease',
    description: 'A lease.',
    schema: {
      attributes: {
        name: { type: 'string', required: true, description: 'Name.', validate: (v) => (v === 'bad' ? 'use another name' : undefined) },
        value: { type: 'string', computed: true, sensitive: true, description: 'Value.' },
      },
    },
    open,
  });
}

function service(ephemeral: EphemeralResourceDefinition, lines: string[] = []) {
  const write = (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`);
  const log: ScopedLogger = { with: () => log, trace: write, debug: write, info: write, warn: write, error: write };
  const providerConfig = defineProviderConfig({
    description: 'Test provider.',
    schema: { attributes: { endpoint: { type: 'string', optional: true, description: 'Endpoint.' } } },
    configure: () => testContext().deps,
  });
  return new ProviderService({ providerConfig, resources: [], dataSources: [], ephemeralResources: [ephemeral], log });
}

const dv = (ephemeral: EphemeralResourceDefinition, value: Value) => ({ msgpack: Buffer.from(encodeMsgpack(value, impliedType(ephemeral.schema))) });
const undv = (ephemeral: EphemeralResourceDefinition, wire: { msgpack: Buffer }) => decodeMsgpack(wire.msgpack, impliedType(ephemeral.schema));
const configure = (svc: ProviderService) =>
  svc.ConfigureProvider({ terraform_version: '1.11.4', config: { msgpack: Buffer.from(encodeMsgpack({ endpoint: null }, ['object', { endpoint: 'string' }])) } });

type Diagnostics = Array<{ severity: string; summary: string; detail: string; attribute?: unknown }>;

test('lists the ephemeral resource schema, with its sensitive result attribute', async () => {
  const ephemeral = leaseResource((config) => Promise.resolve({ ...config, value: SECRET }));
  const schema = (await service(ephemeral).GetProviderSchema()) as {
    ephemeral_resource_schemas: Record<string, { block: { attributes: Array<{ name: string; computed: boolean; sensitive: boolean }> } }>;
  };
  expect(schema.ephemeral_resource_schemas.test_lease.block.attributes).toEqual([
    expect.objectContaining({ name: 'name', computed: false, sensitive: false }),
    expect.objectContaining({ name: 'value', computed: true, sensitive: true }),
  ]);
});

test('open returns the result, and a diagnostic that quotes the value shows it scrubbed', async () => {
  const lines: string[] = [];
  const ephemeral = leaseResource(async (config) => {
    await Promise.resolve();
    return { ...config, value: SECRET };
  });
  const svc = service(ephemeral, lines);
  await configure(svc);
  const response = (await svc.OpenEphemeralResource({ type_name: 'test_lease', config: dv(ephemeral, { name: 'a', value: null }) })) as {
    result: { msgpack: Buffer };
    diagnostics: Diagnostics;
  };
  expect(response.diagnostics).toEqual([]);
  expect(undv(ephemeral, response.result)).toEqual({ name: 'a', value: SECRET });
  expect(lines.join('\n')).not.toContain(SECRET);

  const leaky = leaseResource(() => Promise.reject(new Error(`lost ${SECRET}`)));
  const failing = service(leaky, lines);
  await configure(failing);
  const failed = (await failing.OpenEphemeralResource({ type_name: 'test_lease', config: dv(leaky, { name: 'a', value: SECRET }) })) as {
    result: { msgpack: Buffer };
    diagnostics: Diagnostics;
  };
  expect(failed.diagnostics.map((d) => d.summary)).toEqual(['Internal Provider Error']);
  expect(JSON.stringify(failed.diagnostics)).not.toContain(SECRET);
  expect(undv(leaky, failed.result)).toBeNull();
});

test('open before ConfigureProvider, and an unknown type, are value-free errors', async () => {
  const ephemeral = leaseResource((config) => Promise.resolve({ ...config, value: SECRET }));
  const svc = service(ephemeral);
  const early = (await svc.OpenEphemeralResource({ type_name: 'test_lease', config: dv(ephemeral, { name: 'a', value: null }) })) as { diagnostics: Diagnostics };
  expect(early.diagnostics.map((d) => d.summary)).toEqual(['Provider Not Configured']);
  const unknownType = (await svc.ValidateEphemeralResourceConfig({ type_name: 'test_nope', config: dv(ephemeral, { name: 'a', value: null }) })) as {
    diagnostics: Diagnostics;
  };
  expect(unknownType.diagnostics).toEqual([
    expect.objectContaining({ summary: 'Unknown Ephemeral Resource Type', detail: 'This provider has no ephemeral resource type "test_nope".' }),
  ]);
});

test('validate reports attribute problems with their wire path; renew and close succeed with nothing to do', async () => {
  const ephemeral = leaseResource((config) => Promise.resolve({ ...config, value: SECRET }));
  const svc = service(ephemeral);
  const invalid = (await svc.ValidateEphemeralResourceConfig({ type_name: 'test_lease', config: dv(ephemeral, { name: 'bad', value: null }) })) as {
    diagnostics: Diagnostics;
  };
  expect(invalid.diagnostics).toEqual([
    expect.objectContaining({ severity: 'ERROR', summary: 'Invalid Attribute Value', attribute: { steps: [{ attribute_name: 'name' }] } }),
  ]);
  const unknownName = (await svc.ValidateEphemeralResourceConfig({ type_name: 'test_lease', config: dv(ephemeral, { name: Unknown, value: null }) })) as {
    diagnostics: Diagnostics;
  };
  expect(unknownName.diagnostics).toEqual([]);
  expect(await svc.RenewEphemeralResource({ type_name: 'test_lease' })).toEqual({ diagnostics: [] });
  expect(await svc.CloseEphemeralResource({ type_name: 'test_lease' })).toEqual({ diagnostics: [] });
});

test('the definitions are plain data: a model without the computed value is filled by open', async () => {
  const opened: Model[] = [];
  const ephemeral = leaseResource((config) => {
    opened.push({ ...config });
    return Promise.resolve({ ...config, value: 'v' });
  });
  const svc = service(ephemeral);
  await configure(svc);
  await svc.OpenEphemeralResource({ type_name: 'test_lease', config: dv(ephemeral, { name: 'a', value: null }) });
  expect(opened).toEqual([{ name: 'a', value: null }]);
});
