// Types of cdktf's jest matchers (registered at runtime by test/setup-jest.ts).
import 'cdktf/lib/testing/adapters/jest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IConstruct } from 'constructs';
import { AnnotationMetadataEntryType, TerraformStack, Testing } from 'cdktf';
import { ProtectorProvider } from '../../constructs';

export interface Annotation {
  level: 'info' | 'warning' | 'error';
  path: string;
  message: string;
}

const LEVELS: Record<string, Annotation['level']> = {
  [AnnotationMetadataEntryType.INFO]: 'info',
  [AnnotationMetadataEntryType.WARN]: 'warning',
  [AnnotationMetadataEntryType.ERROR]: 'error',
};

/** Every annotation (info, warning, error) added below `root`. */
export function annotationsOf(root: IConstruct): Annotation[] {
  return root.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata.filter((entry) => entry.type in LEVELS).map((entry) => ({ level: LEVELS[entry.type], path: node.node.path, message: String(entry.data) })),
    );
}

/** A fresh stack with a configured protector provider that does not install the bundle at synth. */
export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new ProtectorProvider(stack, 'protector', { endpoint: 'http://127.0.0.1:8080', installInStackOutput: false });
  return stack;
}

/** The synthesized stack as parsed JSON. */
export function synthJson(stack: TerraformStack): {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, unknown[]>;
  terraform?: Record<string, unknown>;
} {
  return JSON.parse(Testing.synth(stack));
}

/**
 * Evaluates a synthesized Terraform expression (`${...}`) with the real `terraform console`,
 * with each `protector_token.NAME.ATTRIBUTE` reference replaced by the given attribute value.
 * Needs no provider and no `terraform init`.
 */
export function evaluateWithTerraform(expression: string, token: Readonly<Record<string, string>>): string {
  const body = /^\$\{([\s\S]*)\}$/.exec(expression)?.[1];
  if (body === undefined) throw new Error(`not an interpolation: ${expression}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaluate-'));
  try {
    const variables = Object.fromEntries(Object.keys(token).map((name) => [name, { type: 'string' }]));
    fs.writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({ variable: variables, locals: { result: `\${${body.replace(/\bprotector_token\.[A-Za-z0-9_-]+\.(\w+)/g, 'var.$1')}}` } }),
    );
    fs.writeFileSync(path.join(dir, 'empty.tfrc'), '');
    const args = ['console', ...Object.entries(token).flatMap(([name, value]) => ['-var', `${name}=${value}`])];
    return execFileSync('terraform', args, {
      cwd: dir,
      input: 'local.result\n',
      env: { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, 'empty.tfrc'), CHECKPOINT_DISABLE: '1' },
      timeout: 60_000,
    })
      .toString('utf8')
      .trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
