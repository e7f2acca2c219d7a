// Types of cdktf's jest matchers (registered at runtime by test/setup-jest.ts).
import 'cdktf/lib/testing/adapters/jest';
import type { IConstruct } from 'constructs';
import { AnnotationMetadataEntryType, TerraformStack, Testing } from 'cdktf';
import { ProtectorProvider } from '../../../constructs';

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
  return root.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((entry) => entry.type in LEVELS)
      .map((entry) => ({ level: LEVELS[entry.type], path: node.node.path, message: String(entry.data) })),
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
