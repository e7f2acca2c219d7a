import { DiagnosticsCollector } from '../../../../src/provider/framework/diagnostics';
import { pathToWire } from '../../../../src/provider/tfplugin6/schema-wire';
import { Unknown } from '../../../../src/provider/framework/types';
import { validateConfig } from '../../../../src/provider/framework/validate';
import { newStore, widgetResource } from './test-resource';

const { schema } = widgetResource(newStore());

describe('validateConfig', () => {
  test('attribute validators report with the attribute path, nested blocks included', () => {
    const diagnostics = new DiagnosticsCollector();
    validateConfig(schema, { name: 'much-too-long-name', zone: 'eu', tags: { bad: 'x' }, target: { host: 'localhost', port: null } }, diagnostics);
    expect(diagnostics.items).toEqual([
      { severity: 'error', summary: 'Invalid Attribute Value', detail: 'use at most 10 characters', path: ['name'] },
      { severity: 'error', summary: 'Invalid Attribute Value', detail: 'remove the "bad" tag', path: ['tags'] },
      { severity: 'error', summary: 'Invalid Attribute Value', detail: 'use a public host name', path: ['target', 'host'] },
    ]);
  });

  test('validators never see unknown or null values', () => {
    const diagnostics = new DiagnosticsCollector();
    validateConfig(schema, { name: Unknown, zone: 'eu', tags: { bad: Unknown }, target: null }, diagnostics);
    expect(diagnostics.items).toEqual([]);
  });

  test('the resource-level validator runs after the attribute validators, on the normalized config', () => {
    const diagnostics = new DiagnosticsCollector();
    const seen: string[][] = [];
    validateConfig(schema, { name: 'ok' }, diagnostics, (config) => void seen.push(Object.keys(config)));
    expect(seen[0]).toEqual(['id', 'name', 'zone', 'size', 'updated_at', 'tags', 'secret', 'target']);
  });
});

describe('pathToWire', () => {
  test('tells attribute names from map keys and list indexes, and stops at set elements', () => {
    expect(pathToWire(['target', 'host'], schema)).toEqual([{ attribute_name: 'target' }, { attribute_name: 'host' }]);
    expect(pathToWire(['tags', 'env'], schema)).toEqual([{ attribute_name: 'tags' }, { element_key_string: 'env' }]);
    const listSchema = { attributes: { ports: { type: ['set', 'number'] as const, description: '' }, names: { type: ['list', 'string'] as const, description: '' } } };
    expect(pathToWire(['names', 2], listSchema)).toEqual([{ attribute_name: 'names' }, { element_key_int: 2 }]);
    expect(pathToWire(['ports', 0], listSchema)).toEqual([{ attribute_name: 'ports' }]);
  });
});
