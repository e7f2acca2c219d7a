import { decodeMsgpack, encodeMsgpack } from '../../../../src/provider/codec/cty-msgpack';
import { ProviderService, type ScopedLogger } from '../../../../src/provider/tfplugin6/provider-service';
import { defineProviderConfig, Unknown, type Model, type ResourceDefinition, type Value } from '../../../../src/provider/framework/types';
import { impliedType } from '../../../../src/provider/framework/values';
import type { LogFields } from '../../../../src/provider/framework/types';
import { newStore, testContext, widgetResource } from './test-resource';

const SECRET = 'tok-value-0123456789abcdef0123456789abcdef';

function service(resource: ResourceDefinition, lines: string[] = []) {
  const log: ScopedLogger = {
    with: () => log,
    trace: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    debug: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    info: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    warn: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`),
    error: (m: string, f?: LogFields) => void lines.push(`${m} ${JSON.stringify(f ?? {})}`),
  };
  const providerConfig = defineProviderConfig({
    description: 'Test provider.',
    schema: { attributes: { endpoint: { type: 'string', optional: true, description: 'Endpoint.' } } },
    configure: () => testContext().deps,
  });
  return new ProviderService({ providerConfig, resources: [resource], dataSources: [], log });
}

const dv = (resource: ResourceDefinition, value: Value) => ({ msgpack: Buffer.from(encodeMsgpack(value, impliedType(resource.schema))) });
const undv = (resource: ResourceDefinition, wire: { msgpack: Buffer }) => decodeMsgpack(wire.msgpack, impliedType(resource.schema));

const CONFIG: Model = { id: null, name: 'alpha', zone: 'eu', size: null, updated_at: null, tags: null, secret: SECRET, target: null };

describe('ProviderService (the RPCs without gRPC)', () => {
  test('advertises plan_destroy and get_provider_schema_optional, and the schema with type JSON', async () => {
    const schema = (await service(widgetResource(newStore())).GetProviderSchema()) as {
      server_capabilities: object;
      resource_schemas: Record<
        string,
        { block: { attributes: Array<{ name: string; type: Buffer; sensitive: boolean }>; block_types: Array<{ type_name: string; nesting: string }> } }
      >;
    };
    expect(schema.server_capabilities).toEqual({ plan_destroy: true, get_provider_schema_optional: true });
    const block = schema.resource_schemas.test_widget.block;
    expect(block.attributes.find((a) => a.name === 'tags')?.type.toString()).toBe('["map","string"]');
    expect(block.attributes.find((a) => a.name === 'secret')?.sensitive).toBe(true);
    expect(block.block_types).toEqual([expect.objectContaining({ type_name: 'target', nesting: 'SINGLE' })]);
  });

  test('resource RPCs before ConfigureProvider answer "Provider Not Configured"', async () => {
    const resource = widgetResource(newStore());
    const response = (await service(resource).PlanResourceChange({
      type_name: 'test_widget',
      prior_state: dv(resource, null),
      proposed_new_state: dv(resource, CONFIG),
      config: dv(resource, CONFIG),
    })) as { diagnostics: Array<{ summary: string }> };
    expect(response.diagnostics.map((d) => d.summary)).toEqual(['Provider Not Configured']);
  });

  test('plan over the wire: requires_replace as attribute steps, and a value-free answer for an unknown type', async () => {
    const resource = widgetResource(newStore());
    const svc = service(resource);
    await svc.ConfigureProvider({ terraform_version: '1.11.4', config: { msgpack: Buffer.from(encodeMsgpack({ endpoint: null }, ['object', { endpoint: 'string' }])) } });
    const prior = { ...CONFIG, id: 'w-1', size: 3, updated_at: 't' };
    const proposed = { ...prior, zone: 'us' };
    const response = (await svc.PlanResourceChange({
      type_name: 'test_widget',
      prior_state: dv(resource, prior),
      proposed_new_state: dv(resource, proposed),
      config: dv(resource, { ...CONFIG, zone: 'us' }),
    })) as { planned_state: { msgpack: Buffer }; requires_replace: unknown; diagnostics: unknown[] };
    expect(response.diagnostics).toEqual([]);
    expect(response.requires_replace).toEqual([{ steps: [{ attribute_name: 'zone' }] }]);
    expect(undv(resource, response.planned_state)).toMatchObject({ id: Unknown, zone: 'us' });

    const unknownType = (await svc.ValidateResourceConfig({ type_name: 'test_nope', config: dv(resource, CONFIG) })) as { diagnostics: Array<{ summary: string }> };
    expect(unknownType.diagnostics[0].summary).toBe('Unknown Resource Type');
  });

  test('validation diagnostics carry attribute paths in wire form', async () => {
    const resource = widgetResource(newStore());
    const response = (await service(resource).ValidateResourceConfig({
      type_name: 'test_widget',
      config: dv(resource, { ...CONFIG, target: { host: 'localhost', port: null } }),
    })) as { diagnostics: unknown[] };
    expect(response.diagnostics).toEqual([
      {
        severity: 'ERROR',
        summary: 'Invalid Attribute Value',
        detail: 'use a public host name',
        attribute: { steps: [{ attribute_name: 'target' }, { attribute_name: 'host' }] },
      },
    ]);
  });

  test('a sensitive value that leaks into an error message or a log line is scrubbed', async () => {
    const lines: string[] = [];
    const resource = widgetResource(newStore(), {
      create: async (planned, ctx) => {
        ctx.log.warn(`about to send ${planned.secret as string}`, { body: `secret=${planned.secret as string}` });
        throw new Error(`request failed with body {"value":"${planned.secret as string}"}`);
      },
    });
    const svc = service(resource, lines);
    await svc.ConfigureProvider({ config: { msgpack: Buffer.from([0x81, 0xa8, ...Buffer.from('endpoint'), 0xc0]) } });
    const planned: Model = { ...CONFIG, id: Unknown, size: 3, updated_at: Unknown };
    const response = (await svc.ApplyResourceChange({
      type_name: 'test_widget',
      prior_state: dv(resource, null),
      planned_state: dv(resource, planned),
      config: dv(resource, CONFIG),
    })) as {
      new_state: { msgpack: Buffer };
      diagnostics: Array<{ summary: string; detail: string }>;
    };
    expect(response.new_state.msgpack).toEqual(Buffer.from([0xc0]));
    expect(response.diagnostics[0].summary).toBe('Internal Provider Error');
    expect(response.diagnostics[0].detail).toContain('[redacted sha256:');
    expect(JSON.stringify(response.diagnostics)).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.join('\n')).toContain('about to send [redacted');
  });

  test('ReadResource answers a null new_state when the object is gone', async () => {
    const resource = widgetResource(newStore());
    const svc = service(resource);
    await svc.ConfigureProvider({ config: { msgpack: Buffer.from([0x80]) } });
    const response = (await svc.ReadResource({ type_name: 'test_widget', current_state: dv(resource, { ...CONFIG, id: 'w-404' }) })) as {
      new_state: { msgpack: Buffer };
    };
    expect(response.new_state.msgpack).toEqual(Buffer.from([0xc0]));
  });
});
