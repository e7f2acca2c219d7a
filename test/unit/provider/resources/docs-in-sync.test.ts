import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOCS_DIR, REPO_ROOT, renderProviderDocs, staleDocs } from '../../../../scripts/generate-docs';
import { dataSources, resources } from '../../../../src/provider/resources';

test('the committed docs/provider/ is exactly what `npm run docs` generates from the schema', () => {
  // When this fails: run `npm run docs` and commit docs/provider/.
  expect(staleDocs()).toEqual([]);
});

test('every resource and data source has a page with an example and every attribute', () => {
  const files = renderProviderDocs();
  for (const definition of [...resources, ...dataSources]) {
    const kind = resources.includes(definition as never) ? 'resources' : 'data-sources';
    const page = files.get(`${DOCS_DIR}/${kind}/${definition.typeName.replace(/^protector_/, '')}.md`);
    expect(page).toBeDefined();
    expect(page).toContain('## Example Usage');
    for (const name of Object.keys(definition.schema.attributes)) expect(page).toContain(`- \`${name}\` (`);
  }
});

test('a changed schema description makes the docs stale', () => {
  // GIVEN a copy of the docs in which one description was edited by hand
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'protector-docs-'));
  try {
    fs.cpSync(path.join(REPO_ROOT, 'examples'), path.join(root, 'examples'), { recursive: true });
    for (const [file, content] of renderProviderDocs(root)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content.replace('Defaults to `default`.', 'Defaults to `prod`.'));
    }
    fs.writeFileSync(path.join(root, DOCS_DIR, 'resources', 'leftover.md'), '# gone\n');
    // THEN the check names the edited page and the page nothing generates
    expect(staleDocs(root)).toEqual([`${DOCS_DIR}/index.md`, `${DOCS_DIR}/resources/leftover.md`]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
