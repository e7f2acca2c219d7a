/**
 * Generates the registry-style provider docs in `docs/provider/` from the schema descriptions
 * (the single source of truth), each attribute's validator descriptions, and the HCL snippets
 * under `examples/hcl/`.
 *
 *   npm run docs            rewrite docs/provider/
 *   npm run docs -- --check exit 1 when the committed docs differ from what this produces
 *
 * Snippet layout: `examples/hcl/provider/provider.tf`, and for each resource, data source or ephemeral
 * resource `examples/hcl/{resources,data-sources,ephemeral-resources}/NAME/{resource.tf|data-source.tf|ephemeral-resource.tf, import.sh, notes.md}`
 * (import.sh and notes.md optional; notes.md is prose placed after the example).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AttributeSchema, AttributeType, BlockSchema, ObjectSchema } from '../src/provider/framework/types';
import { validatorsOf } from '../src/provider/framework/validators';
import { providerDescription, providerSchema } from '../src/provider/provider-config';
import { dataSources, ephemeralResources, resources } from '../src/provider/resources';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const DOCS_DIR = 'docs/provider';
const PROVIDER_NAME = 'protector';

/** Every generated file, keyed by its path relative to the repository root. */
export function renderProviderDocs(root: string = REPO_ROOT): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${DOCS_DIR}/index.md`, renderIndex(root));
  for (const resource of resources) {
    files.set(
      `${DOCS_DIR}/resources/${shortName(resource.typeName)}.md`,
      renderPage(root, { kind: 'Resource', dir: 'resources', exampleFile: 'resource.tf', ...resource }),
    );
  }
  for (const dataSource of dataSources) {
    files.set(
      `${DOCS_DIR}/data-sources/${shortName(dataSource.typeName)}.md`,
      renderPage(root, { kind: 'Data Source', dir: 'data-sources', exampleFile: 'data-source.tf', ...dataSource }),
    );
  }
  for (const ephemeral of ephemeralResources) {
    files.set(
      `${DOCS_DIR}/ephemeral-resources/${shortName(ephemeral.typeName)}.md`,
      renderPage(root, { kind: 'Ephemeral Resource', dir: 'ephemeral-resources', exampleFile: 'ephemeral-resource.tf', ...ephemeral }),
    );
  }
  return files;
}

/** Paths (relative to root) that differ from, are missing from, or are extra in docs/provider/. */
export function staleDocs(root: string = REPO_ROOT): string[] {
  const expected = renderProviderDocs(root);
  const stale: string[] = [];
  for (const [file, content] of expected) {
    const onDisk = readIfExists(path.join(root, file));
    if (onDisk !== content) stale.push(file);
  }
  for (const file of listMarkdown(path.join(root, DOCS_DIR))) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    if (!expected.has(relative)) stale.push(relative);
  }
  return stale.sort();
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

function renderIndex(root: string): string {
  const lines = [
    frontMatter(`${PROVIDER_NAME} Provider`, providerDescription),
    `# ${PROVIDER_NAME} Provider`,
    '',
    providerDescription,
    '',
    '## Example Usage',
    '',
    fence('terraform', requireSnippet(root, 'provider/provider.tf')),
    ...optionalProse(root, 'provider/notes.md'),
    '## Resources',
    '',
    ...resources.map((r) => `- [\`${r.typeName}\`](resources/${shortName(r.typeName)}.md)`),
    '',
    ...(dataSources.length > 0 ? ['## Data Sources', '', ...dataSources.map((d) => `- [\`${d.typeName}\`](data-sources/${shortName(d.typeName)}.md)`), ''] : []),
    ...(ephemeralResources.length > 0
      ? ['## Ephemeral Resources', '', ...ephemeralResources.map((e) => `- [\`${e.typeName}\`](ephemeral-resources/${shortName(e.typeName)}.md)`), '']
      : []),
    '## Schema',
    '',
    ...renderSchema(providerSchema),
  ];
  return finish(lines);
}

interface PageInput {
  kind: 'Resource' | 'Data Source' | 'Ephemeral Resource';
  dir: 'resources' | 'data-sources' | 'ephemeral-resources';
  exampleFile: string;
  typeName: string;
  description: string;
  schema: ObjectSchema;
}

function renderPage(root: string, page: PageInput): string {
  const base = `${page.dir}/${page.typeName}`;
  const importScript = readIfExists(path.join(root, 'examples/hcl', base, 'import.sh'));
  const lines = [
    frontMatter(`${page.typeName} ${page.kind} - ${PROVIDER_NAME}`, page.description),
    `# ${page.typeName} (${page.kind})`,
    '',
    page.description,
    '',
    '## Example Usage',
    '',
    fence('terraform', requireSnippet(root, `${base}/${page.exampleFile}`)),
    ...optionalProse(root, `${base}/notes.md`),
    '## Schema',
    '',
    ...renderSchema(page.schema),
  ];
  if (importScript !== undefined) {
    lines.push('## Import', '', 'Import is supported using the following syntax:', '', fence('shell', importScript));
  }
  return finish(lines);
}

// ---------------------------------------------------------------------------------------------
// Schema rendering
// ---------------------------------------------------------------------------------------------

function renderSchema(schema: ObjectSchema, anchorPrefix = ''): string[] {
  const entries = [
    ...Object.entries(schema.attributes).map(([name, attribute]) => ({ name, group: groupOf(attribute), line: attributeLine(name, attribute) })),
    ...Object.entries(schema.blocks ?? {}).map(([name, block]) => ({
      name,
      group: blockGroup(block),
      line: blockLine(name, block, `${anchorPrefix}${name}`),
    })),
  ];
  const lines: string[] = [];
  for (const group of ['Required', 'Optional', 'Read-Only'] as const) {
    const members = entries.filter((e) => e.group === group).sort((a, b) => a.name.localeCompare(b.name));
    if (members.length === 0) continue;
    // Top-level groups are headings; nested ones are labels, as on the Terraform Registry.
    lines.push(anchorPrefix === '' ? `### ${group}` : `${group}:`, '', ...members.map((m) => m.line), '');
  }
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    const anchor = `${anchorPrefix}${name}`;
    lines.push(`<a id="nestedblock--${anchor}"></a>`, `### Nested Schema for \`${anchor.replace(/--/g, '.')}\``, '');
    lines.push(...renderSchema({ attributes: block.attributes, blocks: block.blocks }, `${anchor}--`));
  }
  return lines;
}

function groupOf(attribute: AttributeSchema): 'Required' | 'Optional' | 'Read-Only' {
  if (attribute.required) return 'Required';
  if (attribute.optional) return 'Optional';
  return 'Read-Only';
}

function blockGroup(block: BlockSchema): 'Required' | 'Optional' {
  return (block.minItems ?? 0) > 0 ? 'Required' : 'Optional';
}

function attributeLine(name: string, attribute: AttributeSchema): string {
  const tags = [typeName(attribute.type)];
  if (attribute.sensitive) tags.push('Sensitive');
  if (attribute.requiresReplace === true) tags.push('Forces replacement');
  let text = attribute.description;
  if (typeof attribute.requiresReplace === 'object') text += ` Forces replacement when ${attribute.requiresReplace.description}.`;
  if (attribute.default !== undefined && !/defaults? to/i.test(text)) text += ` Defaults to \`${JSON.stringify(attribute.default)}\`.`;
  const rules = validatorsOf(attribute.validate).flatMap((validator) => (validator.description ? [validator.description] : []));
  if (rules.length > 0) text += ` Validation: ${rules.join('; ')}.`;
  return `- \`${name}\` (${tags.join(', ')}) ${text}`;
}

function blockLine(name: string, block: BlockSchema, anchor: string): string {
  const tags = [`Block${block.nesting === 'single' ? '' : ` ${capitalize(block.nesting)}`}`];
  if (block.maxItems !== undefined && block.nesting !== 'single') tags.push(`Max: ${block.maxItems}`);
  if (block.requiresReplace) tags.push('Forces replacement');
  return `- \`${name}\` (${tags.join(', ')}) ${block.description} (see [below for nested schema](#nestedblock--${anchor}))`;
}

function typeName(type: AttributeType): string {
  if (typeof type === 'string') return type === 'bool' ? 'Boolean' : capitalize(type);
  if (type[0] === 'object') return 'Object';
  return `${capitalize(type[0])} of ${typeName(type[1])}`;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

function frontMatter(title: string, description: string): string {
  const indented = description
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return ['---', `page_title: "${title}"`, 'description: |-', indented, '---', ''].join('\n');
}

function fence(language: string, body: string): string {
  return ['```' + language, body.replace(/\s+$/, ''), '```', ''].join('\n');
}

function requireSnippet(root: string, relative: string): string {
  const file = path.join(root, 'examples/hcl', relative);
  const text = readIfExists(file);
  if (text === undefined) throw new Error(`Missing docs example ${path.relative(root, file)}: every resource and data source needs one.`);
  return text;
}

function optionalProse(root: string, relative: string): string[] {
  const text = readIfExists(path.join(root, 'examples/hcl', relative));
  return text === undefined ? [] : [text.replace(/\s+$/, ''), ''];
}

function finish(lines: string[]): string {
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\s+$/, '')}\n`;
}

function shortName(typeName: string): string {
  return typeName.replace(new RegExp(`^${PROVIDER_NAME}_`), '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function listMarkdown(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const stale = staleDocs();
    if (stale.length === 0) return 0;
    process.stderr.write(`These provider docs are out of date: ${stale.join(', ')}. Run \`npm run docs\` and commit the result.\n`);
    return 1;
  }
  const files = renderProviderDocs();
  fs.rmSync(path.join(REPO_ROOT, DOCS_DIR), { recursive: true, force: true });
  for (const [file, content] of files) {
    fs.mkdirSync(path.dirname(path.join(REPO_ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, file), content);
  }
  process.stdout.write(`Wrote ${files.size} files under ${DOCS_DIR}/.\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
