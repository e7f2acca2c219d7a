/**
 * The HCL that README.md shows is valid for the real provider: a reader who copies it gets no
 * validation error (it once had `protocol = "HTTPS"`, which the provider refuses).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';

const README = join(__dirname, '..', '..', '..', 'README.md');

function hclBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```hcl\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

let workspace: TerraformWorkspace | undefined;
afterAll(() => workspace?.cleanup());

test('the README HCL example passes terraform validate', async () => {
  const blocks = hclBlocks(readFileSync(README, 'utf8'));
  expect(blocks.length).toBeGreaterThan(0);
  workspace = await createTerraformWorkspace({ hcl: blocks.join('\n') });
  expect((await workspace.run(['init', '-input=false', '-no-color'])).code).toBe(0);
  const validate = await workspace.run(['validate', '-no-color']);
  expect({ code: validate.code, output: validate.stdout + validate.stderr }).toEqual({ code: 0, output: expect.stringContaining('Success') });
}, 120_000);
