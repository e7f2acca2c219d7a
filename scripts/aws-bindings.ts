/**
 * `npm run bindings:aws`: regenerates the few `hashicorp/aws` bindings AwsSecretsManagerTarget uses
 * (`constructs/.gen/providers/aws/`), offline, from a pruned copy of the provider's schema.
 *
 *   npm run bindings:aws                     read the schema of the mirrored hashicorp/aws binary
 *                                            (`terraform providers schema -json`), prune, generate
 *   npm run bindings:aws -- --schema FILE    the same from a saved schema (full or pruned)
 *   npm run bindings:aws -- --check          exit 1 when the committed bindings or the committed
 *                                            pruned schema differ from what the provider gives
 *
 * Why pruned: the prebuilt `@cdktf/provider-aws` is tens of megabytes and built for another major
 * version of the provider; users who never register a token in AWS must not pay for it. The pruned
 * schema keeps the provider configuration (its `endpoints` block reduced to the services the target
 * talks to) and the two Secrets Manager resources; it is committed next to the bindings
 * (`provider-schema.json`) so the drift test needs no provider binary.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BINDINGS_DIR, generateProviderBindings, readTree, type ProviderIdentity, type ProviderSchemaDocument } from './bindings';
import { REPO_ROOT } from '../src/provider/bundle';

export const AWS_PROVIDER: ProviderIdentity = {
  address: 'registry.terraform.io/hashicorp/aws',
  source: 'hashicorp/aws',
  version: '5.100.0',
};
/** The resources AwsSecretsManagerTarget creates. */
export const AWS_RESOURCES = ['aws_secretsmanager_secret', 'aws_secretsmanager_secret_version'] as const;
/** The service endpoints a user may need to override for them (tests point secretsmanager at loopback). */
export const AWS_ENDPOINTS = ['kms', 'secretsmanager', 'sts'] as const;
export const AWS_BINDINGS_DIR = path.join(BINDINGS_DIR, 'providers', 'aws');
/** The committed pruned schema, inside the bindings folder (not generated, so not compared as a binding). */
export const AWS_SCHEMA_FILE = path.join(AWS_BINDINGS_DIR, 'provider-schema.json');
const SCHEMA_FILE_NAME = path.basename(AWS_SCHEMA_FILE);

interface Block {
  attributes?: Record<string, unknown>;
  block_types?: Record<string, { block: Block } & Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * Keeps what the bindings need of a full `terraform providers schema -json` of hashicorp/aws: the
 * provider block with `endpoints` reduced to {@link AWS_ENDPOINTS}, and {@link AWS_RESOURCES}.
 * No data sources, ephemeral resources or functions. Pure, so the drift test can run it.
 */
export function pruneAwsSchema(full: ProviderSchemaDocument): ProviderSchemaDocument {
  const provider = full.provider_schemas?.[AWS_PROVIDER.address] as
    { provider: { version: number; block: Block }; resource_schemas: Record<string, unknown> } | undefined;
  if (!provider) {
    throw new Error(`The schema has no provider ${AWS_PROVIDER.address}; found: ${Object.keys(full.provider_schemas ?? {}).join(', ') || 'none'}.`);
  }
  const missing = AWS_RESOURCES.filter((name) => !provider.resource_schemas?.[name]);
  if (missing.length > 0) throw new Error(`The aws schema has no ${missing.join(', ')}: is it hashicorp/aws ${AWS_PROVIDER.version}?`);
  const block = provider.provider.block;
  const endpoints = block.block_types?.endpoints;
  if (!endpoints?.block.attributes) throw new Error('The aws provider schema has no `endpoints` block.');
  const keptEndpoints = Object.fromEntries(AWS_ENDPOINTS.map((name) => [name, endpoints.block.attributes![name]]));
  return {
    format_version: full.format_version,
    provider_schemas: {
      [AWS_PROVIDER.address]: {
        provider: {
          ...provider.provider,
          block: { ...block, block_types: { ...block.block_types, endpoints: { ...endpoints, block: { ...endpoints.block, attributes: keptEndpoints } } } },
        },
        resource_schemas: Object.fromEntries(AWS_RESOURCES.map((name) => [name, provider.resource_schemas[name]])),
      },
    },
  };
}

/** Whether `schema` is already pruned (only the kept resources). */
function isPruned(schema: ProviderSchemaDocument): boolean {
  const provider = schema.provider_schemas?.[AWS_PROVIDER.address] as { resource_schemas?: object } | undefined;
  return Object.keys(provider?.resource_schemas ?? {}).length === AWS_RESOURCES.length;
}

/**
 * The folder above `registry.terraform.io` of a filesystem mirror that holds hashicorp/aws
 * {@link AWS_PROVIDER}.version: `AWS_PROVIDER_MIRROR`, or the image's `/opt/tf-plugins`.
 * Undefined when there is none.
 */
export function awsProviderMirror(): string | undefined {
  const candidates = [process.env.AWS_PROVIDER_MIRROR, '/opt/tf-plugins'].filter((dir): dir is string => !!dir);
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER.version)));
}

/** A Terraform CLI configuration that installs hashicorp/aws from `mirror` and nothing from the network. */
export function awsMirrorCliConfig(mirror: string): string {
  return `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`;
}

/** `terraform providers schema -json` of the mirrored hashicorp/aws binary (about 14 MB of JSON). */
export function readAwsSchemaFromMirror(mirror: string): ProviderSchemaDocument {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-schema-'));
  try {
    const cliConfig = path.join(dir, 'terraform.rc');
    fs.writeFileSync(cliConfig, awsMirrorCliConfig(mirror));
    fs.writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { aws: { source: AWS_PROVIDER.source, version: AWS_PROVIDER.version } } } }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    delete env.TF_LOG;
    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    return JSON.parse(
      execFileSync('terraform', ['providers', 'schema', '-json'], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }).toString('utf8'),
    ) as ProviderSchemaDocument;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The pruned schema as committed: stable key order, two-space indent, trailing newline. */
export function renderPrunedSchema(pruned: ProviderSchemaDocument): string {
  return `${JSON.stringify(pruned, null, 2)}\n`;
}

/** Generates the aws bindings of `pruned` into `awsDir` (the `providers/aws` folder), replacing it. */
export async function generateAwsBindings(pruned: ProviderSchemaDocument, awsDir: string = AWS_BINDINGS_DIR): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-bindings-'));
  try {
    await generateProviderBindings(AWS_PROVIDER, pruned, scratch);
    fs.rmSync(awsDir, { recursive: true, force: true });
    fs.cpSync(path.join(scratch, 'providers', 'aws'), awsDir, { recursive: true });
    fs.writeFileSync(path.join(awsDir, SCHEMA_FILE_NAME), renderPrunedSchema(pruned));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Relative paths that differ between the committed aws bindings and bindings generated from `pruned`. */
export async function diffAwsBindings(pruned: ProviderSchemaDocument, committedDir: string = AWS_BINDINGS_DIR): Promise<string[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-bindings-check-'));
  try {
    await generateAwsBindings(pruned, scratch);
    const expected = readTree(scratch);
    const actual = readTree(committedDir);
    const names = new Set([...expected.keys(), ...actual.keys()]);
    return [...names].filter((name) => expected.get(name) !== actual.get(name)).sort();
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let schemaFile: string | undefined;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schema') schemaFile = argv[++i];
    else if (argv[i] === '--check') check = true;
    else throw new Error(`Unknown argument ${JSON.stringify(argv[i])}. Usage: bindings:aws [--schema FILE] [--check]`);
  }
  let schema: ProviderSchemaDocument;
  if (schemaFile) {
    schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as ProviderSchemaDocument;
  } else {
    const mirror = awsProviderMirror();
    if (!mirror) throw new Error(`No filesystem mirror holds hashicorp/aws ${AWS_PROVIDER.version}: set AWS_PROVIDER_MIRROR, or pass --schema FILE.`);
    schema = readAwsSchemaFromMirror(mirror);
  }
  const pruned = isPruned(schema) ? schema : pruneAwsSchema(schema);
  const relative = path.relative(REPO_ROOT, AWS_BINDINGS_DIR);
  if (check) {
    const differing = await diffAwsBindings(pruned);
    if (differing.length > 0) {
      console.error(`The bindings in ${relative} differ from the hashicorp/aws schema: ${differing.join(', ')}. Run \`npm run bindings:aws\`.`);
      process.exit(1);
    }
    console.log('The aws bindings match the hashicorp/aws schema.');
    return;
  }
  await generateAwsBindings(pruned);
  console.log(`Generated the ${AWS_PROVIDER.source}@${AWS_PROVIDER.version} bindings (${AWS_RESOURCES.join(', ')}) in ${relative}.`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
