/**
 * `npm run bindings`: regenerates the CDKTF L1 bindings of our provider (`constructs/.gen/`) from
 * the provider's own schema, offline.
 *
 *   npm run bindings                       build the provider bundle, ask it for its schema through
 *                                          `terraform providers schema -json`, generate
 *   npm run bindings -- --schema FILE      generate from a saved `terraform providers schema -json`
 *   npm run bindings -- --check            exit 1 when the committed bindings differ from the schema
 *
 * The bindings are committed, so `npm ci && npm test` needs no generation step; a unit test
 * (test/unit/constructs/bindings.test.ts) fails when they drift from the provider's schema.
 *
 * cdktf's generator reads a schema cache (`DIR/<urlencoded fqn>@<version>.json`) before it would
 * run `terraform init` against the registry; feeding it that cache keeps generation offline. The
 * generator is called as a library: `cdktf get` 0.21 ignores `--experimental-provider-schema-cache-path`
 * for `get` and goes to the registry.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { version as packageVersion } from '../package.json';
import { cliConfigFor, installProvider, PROVIDER_ADDRESS, PROVIDER_NAMESPACE, PROVIDER_TYPE } from '../src/provider/install';
import { PROVIDER_BUNDLE, REPO_ROOT } from '../src/provider/bundle';

export const PROVIDER_SOURCE = `${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
export const PROVIDER_VERSION = packageVersion;
export const BINDINGS_DIR = path.join(REPO_ROOT, 'constructs', '.gen');

/** The JSON `terraform providers schema -json` prints, plus the `provider_versions` cdktf reads. */
export interface ProviderSchemaDocument {
  format_version: string;
  provider_schemas: Record<string, unknown>;
  provider_versions?: Record<string, string>;
}

async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Asks the provider executable for its schema the way Terraform users would see it: install it in
 * a throw-away filesystem mirror, `terraform init` from that mirror only, then
 * `terraform providers schema -json`.
 */
export async function readSchemaFromProvider(bundle: string = PROVIDER_BUNDLE): Promise<ProviderSchemaDocument> {
  if (!fs.existsSync(bundle)) {
    throw new Error(`The provider bundle ${bundle} does not exist. Build it first with \`npm run build:provider\`.`);
  }
  return withTempDir('protector-bindings-', async (dir) => {
    const mirror = path.join(dir, 'mirror');
    await installProvider({ mirrorDir: mirror, bundlePath: bundle, version: PROVIDER_VERSION });
    const cliConfig = path.join(dir, 'terraform.rc');
    fs.writeFileSync(cliConfig, cliConfigFor(mirror));
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    fs.writeFileSync(
      path.join(work, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { protector: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } } }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    delete env.TF_LOG;
    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const schema = JSON.parse(
      execFileSync('terraform', ['providers', 'schema', '-json'], { cwd: work, env, maxBuffer: 64 * 1024 * 1024 }).toString('utf8'),
    ) as ProviderSchemaDocument;
    return { ...schema, provider_versions: { [PROVIDER_ADDRESS]: PROVIDER_VERSION } };
  });
}

/**
 * The schema document `terraform providers schema -json` prints for our provider, built straight
 * from the provider's definitions (no build, no terraform): what the drift test compares against.
 * It mirrors Terraform's JSON rendering: attributes and blocks sorted by name, false flags and zero
 * item limits left out, descriptions in markdown.
 */
export async function schemaFromProviderDefinitions(): Promise<ProviderSchemaDocument> {
  const { providerDescription, providerSchema } = await import('../src/provider/provider-config');
  const { resources, dataSources, ephemeralResources } = await import('../src/provider/resources');
  const { typeToJson } = await import('../src/provider/codec/cty-json');
  type Types = typeof import('../src/provider/framework/types');
  type ObjectSchema = Parameters<Types['defineResource']>[0]['schema'];
  type BlockSchema = NonNullable<ObjectSchema['blocks']>[string];

  const sorted = <T, R>(record: Record<string, T> | undefined, render: (value: T) => R): Record<string, R> =>
    Object.fromEntries(
      Object.keys(record ?? {})
        .sort()
        .map((name) => [name, render((record ?? {})[name])]),
    );
  const block = (schema: ObjectSchema, description?: string): Record<string, unknown> => {
    const rendered: Record<string, unknown> = {};
    if (Object.keys(schema.attributes).length > 0) {
      rendered.attributes = sorted(schema.attributes, (attribute) => ({
        type: canonicalType(JSON.parse(typeToJson(attribute.type))),
        ...(attribute.description ? { description: attribute.description, description_kind: 'markdown' } : { description_kind: 'plain' }),
        ...(attribute.required ? { required: true } : {}),
        ...(attribute.optional ? { optional: true } : {}),
        ...(attribute.computed ? { computed: true } : {}),
        ...(attribute.sensitive ? { sensitive: true } : {}),
      }));
    }
    if (schema.blocks && Object.keys(schema.blocks).length > 0) {
      rendered.block_types = sorted(schema.blocks, (nested: BlockSchema) => ({
        nesting_mode: nested.nesting,
        block: block(nested, nested.description),
        ...(nested.minItems ? { min_items: nested.minItems } : {}),
        ...(nested.maxItems ? { max_items: nested.maxItems } : {}),
      }));
    }
    return { ...rendered, ...(description ? { description, description_kind: 'markdown' } : { description_kind: 'plain' }) };
  };
  const entries = <D extends { typeName: string; description: string; schema: ObjectSchema; schemaVersion?: number }>(definitions: D[]) =>
    Object.fromEntries(
      [...definitions]
        .sort((a, b) => a.typeName.localeCompare(b.typeName))
        .map((definition) => [definition.typeName, { version: definition.schemaVersion ?? 0, block: block(definition.schema, definition.description) }]),
    );
  return {
    format_version: '1.0',
    provider_schemas: {
      [PROVIDER_ADDRESS]: {
        provider: { version: 0, block: block(providerSchema, providerDescription) },
        ...(resources.length ? { resource_schemas: entries(resources) } : {}),
        ...(dataSources.length ? { data_source_schemas: entries(dataSources) } : {}),
        ...(ephemeralResources.length ? { ephemeral_resource_schemas: entries(ephemeralResources) } : {}),
      },
    },
    provider_versions: { [PROVIDER_ADDRESS]: PROVIDER_VERSION },
  };
}

/** Terraform prints an object type's attributes sorted by name. */
function canonicalType(type: unknown): unknown {
  if (Array.isArray(type)) return type.map(canonicalType);
  if (type && typeof type === 'object') {
    const record = type as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, canonicalType(record[key])]),
    );
  }
  return type;
}

/** Writes cdktf's TypeScript bindings for `schema` into `outDir` (replacing what was there). */
export async function generateBindings(schema: ProviderSchemaDocument, outDir: string): Promise<void> {
  await generateProviderBindings({ address: PROVIDER_ADDRESS, source: PROVIDER_SOURCE, version: PROVIDER_VERSION }, schema, outDir);
}

/** Which provider a schema document is for, as cdktf's generator needs it. */
export interface ProviderIdentity {
  /** e.g. `registry.terraform.io/hashicorp/aws` */
  address: string;
  /** e.g. `hashicorp/aws` */
  source: string;
  version: string;
}

/** Writes cdktf's TypeScript bindings of one provider's `schema` into `outDir` (replacing what was there). */
export async function generateProviderBindings(provider: ProviderIdentity, schema: ProviderSchemaDocument, outDir: string): Promise<void> {
  const { address: PROVIDER_ADDRESS, source: PROVIDER_SOURCE, version: PROVIDER_VERSION } = provider;
  if (!schema.provider_schemas?.[PROVIDER_ADDRESS]) {
    throw new Error(`The schema has no provider ${PROVIDER_ADDRESS}; found: ${Object.keys(schema.provider_schemas ?? {}).join(', ') || 'none'}.`);
  }
  const complete: ProviderSchemaDocument = { ...schema, provider_versions: { [PROVIDER_ADDRESS]: PROVIDER_VERSION } };
  await withTempDir('protector-schema-cache-', async (cacheDir) => {
    // @cdktf/commons runs `terraform version` when it is loaded: give that run an existing (empty)
    // CLI config, or Terraform prints a warning that the generator logs as an error.
    const emptyCliConfig = path.join(cacheDir, 'empty.rc');
    fs.writeFileSync(emptyCliConfig, '');
    const previous = process.env.TF_CLI_CONFIG_FILE;
    process.env.TF_CLI_CONFIG_FILE = emptyCliConfig;
    try {
      const { Language, TerraformProviderConstraint } = await import('@cdktf/commons');
      const { ConstructsMaker } = await import('@cdktf/provider-generator');
      const constraint = new TerraformProviderConstraint(`${PROVIDER_SOURCE}@${PROVIDER_VERSION}`);
      // The file name cdktf's schema cache looks up: encodeURIComponent(fqn)@encodeURIComponent(version).
      const cacheFile = `${encodeURIComponent(constraint.fqn)}@${encodeURIComponent(PROVIDER_VERSION)}.json`;
      fs.writeFileSync(path.join(cacheDir, cacheFile), JSON.stringify(complete));
      fs.rmSync(outDir, { recursive: true, force: true });
      const maker = new ConstructsMaker({ codeMakerOutput: outDir, targetLanguage: Language.TYPESCRIPT, jsiiParallelism: 1 }, cacheDir);
      await maker.generate([constraint], [constraint]);
      markGeneratedSources(outDir);
    } finally {
      if (previous === undefined) delete process.env.TF_CLI_CONFIG_FILE;
      else process.env.TF_CLI_CONFIG_FILE = previous;
    }
  });
}

const GENERATED_HEADER =
  '// @ts-nocheck -- generated by cdktf (npm run bindings); the generator does not emit the `override`\n' +
  "// modifiers this repository's tsconfig (noImplicitOverride) asks for. Types still flow to callers.\n";

/** Prefixes every generated TypeScript file with {@link GENERATED_HEADER}. */
function markGeneratedSources(dir: string): void {
  for (const [file, content] of readTree(dir)) {
    if (file.endsWith('.ts')) fs.writeFileSync(path.join(dir, file), GENERATED_HEADER + content);
  }
}

/** Every file below `dir` as relative path -> content. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full, 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files;
}

/** Relative paths that differ between the committed bindings and bindings generated from `schema`. */
export async function diffBindings(schema: ProviderSchemaDocument, committedDir: string = BINDINGS_DIR): Promise<string[]> {
  return withTempDir('protector-bindings-check-', async (dir) => {
    const fresh = path.join(dir, 'gen');
    await generateBindings(schema, fresh);
    const expected = readTree(fresh);
    // The pruned hashicorp/aws bindings share the folder; scripts/aws-bindings.ts checks those.
    const actual = new Map([...readTree(committedDir)].filter(([name]) => !name.startsWith(path.join('providers', 'aws') + path.sep)));
    const names = new Set([...expected.keys(), ...actual.keys()]);
    return [...names].filter((name) => expected.get(name) !== actual.get(name)).sort();
  });
}

/** Keeps the committed hashicorp/aws bindings (regenerated by `npm run bindings:aws`) across a regeneration of ours. */
async function preservingAwsBindings(work: () => Promise<void>): Promise<void> {
  const awsDir = path.join(BINDINGS_DIR, 'providers', 'aws');
  const saved = fs.existsSync(awsDir) ? fs.mkdtempSync(path.join(os.tmpdir(), 'aws-bindings-')) : undefined;
  if (saved) fs.cpSync(awsDir, saved, { recursive: true });
  try {
    await work();
  } finally {
    if (saved) {
      fs.cpSync(saved, awsDir, { recursive: true });
      fs.rmSync(saved, { recursive: true, force: true });
    }
  }
}

function parseArgs(argv: string[]): { schemaFile?: string; check: boolean } {
  const result: { schemaFile?: string; check: boolean } = { check: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schema') result.schemaFile = argv[++i];
    else if (argv[i] === '--check') result.check = true;
    else throw new Error(`Unknown argument ${JSON.stringify(argv[i])}. Usage: bindings [--schema FILE] [--check]`);
  }
  return result;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let schema: ProviderSchemaDocument;
  if (args.schemaFile) {
    schema = JSON.parse(fs.readFileSync(args.schemaFile, 'utf8')) as ProviderSchemaDocument;
  } else {
    execFileSync('npm', ['run', '--silent', 'build:provider'], { cwd: REPO_ROOT, stdio: 'inherit' });
    schema = await readSchemaFromProvider();
  }
  if (args.check) {
    const differing = await diffBindings(schema);
    if (differing.length > 0) {
      console.error(`The bindings in ${path.relative(REPO_ROOT, BINDINGS_DIR)} differ from the provider schema: ${differing.join(', ')}. Run \`npm run bindings\`.`);
      process.exit(1);
    }
    console.log('The bindings match the provider schema.');
    return;
  }
  await preservingAwsBindings(() => generateBindings(schema, BINDINGS_DIR));
  console.log(`Generated the ${PROVIDER_SOURCE}@${PROVIDER_VERSION} bindings in ${path.relative(REPO_ROOT, BINDINGS_DIR)}.`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
