/**
 * Property-based fuzzing of the construct library (issue 9): generated hostile props (control
 * characters, bidi overrides, huge strings, wrong types, token-like strings) for
 * ProtectorConnection, RotationPolicy, TokenFileTarget and KubernetesSecretTarget. Each case
 * either synthesizes, or throws a usage error (a ProtectorError of kind "usage", never a
 * TypeError or a crash) whose message echoes no token-like input.
 */
import fc from 'fast-check';
import { TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  DeploymentType,
  KubernetesSecretTarget,
  ProtectorConnection,
  ProtectorProvider,
  RotationPolicy,
  TokenFileTarget,
  type IRegistrationTarget,
} from '../../../constructs';
import { ProtectorError } from '../../../src/errors';
import { hostileString, RUNS, secretsIn, tokenLike, wrongTyped } from '../../helpers/hostile';

/** A valid value most of the time, so that cases reach the later checks too. */
function mostly<T>(valid: T, ...hostile: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 2, arbitrary: fc.constant(valid) }, ...hostile.map((arbitrary) => ({ weight: 1, arbitrary })));
}

const anyHostile = fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 2, arbitrary: tokenLike }, { weight: 1, arbitrary: wrongTyped });

const props = fc.record({
  name: mostly('edge', anyHostile),
  contractId: mostly('ctr_1', anyHostile),
  groupId: mostly('grp_1', anyHostile),
  description: mostly(undefined, anyHostile),
  kubernetes: fc.boolean(),
  period: mostly('90d', anyHostile, fc.constantFrom('0s', '366d', '1ms', '99999999999999999d')),
  drainTimeout: mostly(undefined, anyHostile, fc.constantFrom('25h', '0s')),
  keepers: mostly(undefined, fc.dictionary(fc.oneof(hostileString, tokenLike), fc.oneof(hostileString, tokenLike, wrongTyped), { maxKeys: 3 })),
  target: mostly(undefined, fc.record({ host: anyHostile, ports: mostly([443], wrongTyped, fc.array(fc.integer(), { maxLength: 20 })) })),
  filePath: mostly('/etc/protector/token', anyHostile),
  filePermission: mostly('0600', anyHostile, fc.constantFrom('0666', '0777', '0200', '600')),
  fileName: mostly(undefined, anyHostile),
  namespace: mostly('protector', anyHostile),
  secretName: mostly('protector-token', anyHostile),
  key: mostly(undefined, anyHostile),
});

type Props = typeof props extends fc.Arbitrary<infer P> ? P : never;

/** Builds the app the props describe and synthesizes it; throws whatever the constructs throw. */
function synthesize(p: Props): void {
  const stack = new TerraformStack(Testing.app(), 'fuzz');
  new ProtectorProvider(stack, 'protector', { endpoint: 'http://127.0.0.1:8080', installInStackOutput: false });
  const rotation = RotationPolicy.every(p.period as string, {
    drainTimeout: p.drainTimeout as string | undefined,
    keepers: p.keepers as Record<string, string> | undefined,
  });
  let registration: IRegistrationTarget;
  if (p.kubernetes) {
    new KubernetesProvider(stack, 'kubernetes', {});
    registration = new KubernetesSecretTarget({ namespace: p.namespace as string, secretName: p.secretName as string, key: p.key as string | undefined });
  } else {
    registration = new TokenFileTarget({ path: p.filePath as string, filePermission: p.filePermission as string, name: p.fileName as string | undefined });
  }
  new ProtectorConnection(stack, 'Edge', {
    name: p.name as string,
    contractId: p.contractId as string,
    groupId: p.groupId as string,
    description: p.description as string | undefined,
    deploymentType: p.kubernetes ? DeploymentType.KUBERNETES : DeploymentType.REVERSE_PROXY,
    rotation,
    registrations: [registration],
    target: p.kubernetes ? undefined : (p.target as never),
  });
  Testing.synth(stack, true); // with the stack validations (registration wiring, exposures)
}

test('hostile props synthesize or throw a usage error that echoes no token-like value', () => {
  let cases = 0;
  let refused = 0;
  fc.assert(
    fc.property(props, (p) => {
      cases += 1;
      try {
        synthesize(p);
      } catch (error) {
        refused += 1;
        expect(error).toBeInstanceOf(ProtectorError);
        expect((error as ProtectorError).kind).toBe('usage');
        const message = (error as Error).message;
        expect(message).toMatch(/`[A-Za-z.[\]0-9]+`/); // names the prop in backticks
        for (const secret of secretsIn(p)) expect(message).not.toContain(secret);
      }
    }),
    { numRuns: RUNS ?? 80 },
  );
  expect(cases).toBeGreaterThanOrEqual(50);
  expect(refused).toBeGreaterThan(0);
}, 180_000);

/** The API contract's field rules (src/api/schemas.ts) refuse these, and so must the constructs (issue 9, item 11). */
test('control characters, bidi overrides and odd hosts are refused at synth time', () => {
  const controlOrBidi = fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\u0007', '\u001b[31m', '\u202e', '\u2066', '\n'), fc.string({ maxLength: 10 }))
    .map(([a, bad, b]) => `x${a}${bad}${b}`);
  const hostile = fc.oneof(
    controlOrBidi.map((value) => ({ name: value })),
    controlOrBidi.map((value) => ({ description: value })),
    controlOrBidi.map((value) => ({ contractId: value })),
    fc.constantFrom('-.-', '...', '-', 'a..b').map((host) => ({ target: { host, ports: [443] } })),
  );
  fc.assert(
    fc.property(hostile, (overrides) => {
      const valid: Props = {
        name: 'edge',
        contractId: 'ctr_1',
        groupId: 'grp_1',
        description: undefined,
        kubernetes: false,
        period: '90d',
        drainTimeout: undefined,
        keepers: undefined,
        target: undefined,
        filePath: '/etc/protector/token',
        filePermission: '0600',
        fileName: undefined,
        namespace: 'protector',
        secretName: 'protector-token',
        key: undefined,
      };
      expect(() => synthesize({ ...valid, ...overrides })).toThrow(/`(name|description|contractId|target.host)`/);
    }),
    { numRuns: 60 },
  );
});
