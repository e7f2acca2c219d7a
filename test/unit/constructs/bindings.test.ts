import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BINDINGS_DIR, diffBindings, generateBindings, readTree, schemaFromProviderDefinitions } from '../../../scripts/bindings';

describe('protector bindings', () => {
  test('the committed bindings match the provider schema (run `npm run bindings` when this fails)', async () => {
    // GIVEN the schema the provider serves
    const schema = await schemaFromProviderDefinitions();
    // WHEN the bindings are generated from it
    const differing = await diffBindings(schema);
    // THEN they are the committed ones
    expect(differing).toEqual([]);
  });

  test('the comparison notices a changed schema', async () => {
    // GIVEN a schema in which the provider renamed an attribute
    const schema = await schemaFromProviderDefinitions();
    const changed = JSON.parse(JSON.stringify(schema).replace(/"contract_id"/g, '"contract"'));
    // WHEN / THEN
    expect(await diffBindings(changed)).toContain(path.join('providers', 'protector', 'connection-configuration', 'index.ts'));
  });

  test('every resource and data source of the schema has a binding', async () => {
    const schema = await schemaFromProviderDefinitions();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-'));
    try {
      await generateBindings(schema, dir);
      const provider = Object.values(schema.provider_schemas)[0] as { resource_schemas: object; data_source_schemas: object };
      const folders = new Set([...readTree(dir).keys()].map((file) => file.split(path.sep)[2]));
      const expected = [
        ...Object.keys(provider.resource_schemas).map((name) => name.replace(/^protector_/, '')),
        ...Object.keys(provider.data_source_schemas).map((name) => `data-${name}`),
      ].map((name) => name.replace(/_/g, '-'));
      for (const name of expected) expect(folders).toContain(name);
      expect(fs.existsSync(path.join(BINDINGS_DIR, 'providers', 'protector', 'index.ts'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
