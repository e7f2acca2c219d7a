/**
 * The CDKTF example of README.md synthesizes as shown (issue 12: it once registered both
 * environments at one token file path, so production overwrote staging's file): each environment
 * gets its own token file and its own state.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..', '..');
const README = join(REPO, 'README.md');

function block(markdown: string, language: string, after: string): string {
  const start = markdown.indexOf(after);
  const match = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(markdown.slice(start));
  if (start < 0 || !match) throw new Error(`no ${language} block after "${after}" in README.md`);
  return match[1]!;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'readme-cdktf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the README CDKTF example synthesizes one token file and one state per environment', async () => {
  const markdown = readFileSync(README, 'utf8');
  const app = block(markdown, 'ts', '## CDKTF example').replace("from 'cdktf-protector'", `from ${JSON.stringify(join(REPO, 'constructs'))}`);
  writeFileSync(join(dir, 'main.ts'), app);
  writeFileSync(join(dir, 'rotation-policies.json'), block(markdown, 'json', 'with `rotation-policies.json`'));
  const bundle = join(dir, 'terraform-provider-protector');
  writeFileSync(bundle, '#!/usr/bin/env node\n');
  await run(join(REPO, 'node_modules', '.bin', 'tsx'), ['main.ts'], {
    cwd: dir,
    // The app lives outside the repository: its imports resolve from the repository's node_modules.
    env: { ...process.env, NODE_PATH: join(REPO, 'node_modules'), CDKTF_OUTDIR: join(dir, 'out'), PROTECTOR_PROVIDER_BUNDLE: bundle, PROTECTOR_STATE_BACKEND: '' },
    timeout: 240_000,
  });
  for (const environment of ['staging', 'production']) {
    const stack = JSON.parse(readFileSync(join(dir, 'out', 'stacks', environment, 'cdk.tf.json'), 'utf8')) as {
      resource: { protector_token_file: Record<string, { path: string }> };
      terraform: { backend: unknown };
    };
    expect(Object.values(stack.resource.protector_token_file).map((file) => file.path)).toEqual([`/etc/protector/${environment}.token`]);
    expect(stack.terraform.backend).toEqual({ local: { path: `../../../terraform.${environment}.tfstate` } });
  }
}, 300_000);
