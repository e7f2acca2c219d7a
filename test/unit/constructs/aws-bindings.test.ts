/**
 * Drift of the pruned hashicorp/aws bindings: they are generated from the committed pruned schema,
 * and that schema is what pruning the mirrored provider's own schema gives (`npm run bindings:aws`
 * regenerates both).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AWS_BINDINGS_DIR,
  AWS_ENDPOINTS,
  AWS_RESOURCES,
  AWS_SCHEMA_FILE,
  awsProviderMirror,
  diffAwsBindings,
  pruneAwsSchema,
  readAwsSchemaFromMirror,
  renderPrunedSchema,
} from '../../../scripts/aws-bindings';
import type { ProviderSchemaDocument } from '../../../scripts/bindings';

jest.setTimeout(180_000);

const committed = (): ProviderSchemaDocument => JSON.parse(fs.readFileSync(AWS_SCHEMA_FILE, 'utf8')) as ProviderSchemaDocument;

describe('hashicorp/aws bindings', () => {
  test('the committed bindings are generated from the committed pruned schema (run `npm run bindings:aws` when this fails)', async () => {
    expect(await diffAwsBindings(committed())).toEqual([]);
  });

  test('the comparison notices a changed schema', async () => {
    const changed = JSON.parse(JSON.stringify(committed()).replace(/"secret_string_wo_version"/g, '"secret_string_wo_revision"'));
    const differing = await diffAwsBindings(changed);
    expect(differing).toContain(path.join('secretsmanager-secret-version', 'index.ts'));
    expect(differing).toContain('provider-schema.json');
  });

  test('only the resources the target uses, and the endpoints it needs, are kept', () => {
    const provider = committed().provider_schemas['registry.terraform.io/hashicorp/aws'] as {
      resource_schemas: Record<string, { block: { attributes: Record<string, { write_only?: boolean }> } }>;
      provider: { block: { block_types: { endpoints: { block: { attributes: object } } } } };
      data_source_schemas?: object;
    };
    expect(Object.keys(provider.resource_schemas).sort()).toEqual([...AWS_RESOURCES].sort());
    expect(provider.data_source_schemas).toBeUndefined();
    expect(Object.keys(provider.provider.block.block_types.endpoints.block.attributes).sort()).toEqual([...AWS_ENDPOINTS].sort());
    expect(provider.resource_schemas.aws_secretsmanager_secret_version!.block.attributes.secret_string_wo).toMatchObject({ write_only: true });
    expect(fs.readdirSync(AWS_BINDINGS_DIR).sort()).toEqual([
      'index.ts',
      'lazy-index.ts',
      'provider',
      'provider-schema.json',
      'secretsmanager-secret',
      'secretsmanager-secret-version',
    ]);
  });

  const mirror = awsProviderMirror();
  // The image carries the provider in a filesystem mirror; elsewhere point AWS_PROVIDER_MIRROR at one.
  (mirror ? test : test.skip)('the committed pruned schema is what the mirrored hashicorp/aws 5.100.0 serves, pruned', () => {
    const pruned = pruneAwsSchema(readAwsSchemaFromMirror(mirror!));
    expect(renderPrunedSchema(pruned)).toBe(fs.readFileSync(AWS_SCHEMA_FILE, 'utf8'));
  });
});
