import { Aspects, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { DeploymentType, ProtectorConnection, ProtectorProvider, RotationCompliance, RotationPolicy, TokenFileTarget } from '../../../constructs';
import { Token } from '../../../constructs/.gen/providers/protector/token';
import { annotationsOf, newStack } from '../../helpers/constructs';

function connection(stack: TerraformStack, id: string, every: string): ProtectorConnection {
  return new ProtectorConnection(stack, id, {
    name: id,
    deploymentType: DeploymentType.REVERSE_PROXY,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: RotationPolicy.every(every),
    // One file per stack and connection: two registrations of one app may not share a path.
    registrations: [new TokenFileTarget({ path: `/etc/protector/${stack.node.id}-${id}` })],
  });
}

describe('RotationCompliance', () => {
  test('reports a token rotating less often than the rule as an error on that token', () => {
    // GIVEN
    const stack = newStack();
    connection(stack, 'Fast', '90d');
    connection(stack, 'Slow', '120d');
    Aspects.of(stack).add(new RotationCompliance({ maxRotationPeriod: '100d' }));
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotationsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Slow/Token',
        message: expect.stringMatching(/rotates every "120d", longer than allowed: the organisation's rule is at most "100d"/),
      },
    ]);
  });

  test('enforce() on the app checks every stack, and an error fails the synthesis', () => {
    // GIVEN two stacks, one of them out of policy
    const app = Testing.app();
    for (const [name, every] of [
      ['production', '300d'],
      ['staging', '30d'],
    ]) {
      const stack = new TerraformStack(app, name);
      new ProtectorProvider(stack, 'protector', { installInStackOutput: false });
      connection(stack, 'Edge', every);
    }
    // WHEN
    RotationCompliance.enforce(app);
    // THEN
    expect(() => app.synth()).toThrow(/\[production\/Edge\/Token\].*rotates every "300d".*at most "182d"/);
  });

  test('the default rule is twice a year', () => {
    const stack = newStack();
    connection(stack, 'Ok', '182d');
    connection(stack, 'Late', '183d');
    Aspects.of(stack).add(new RotationCompliance());
    Testing.synth(stack);
    expect(
      annotationsOf(stack)
        .filter((a) => a.level === 'error')
        .map((a) => a.path),
    ).toEqual(['test/Late/Token']);
  });

  test('a token without a rotation period is an error', () => {
    // GIVEN a token made with the L1 binding directly
    const stack = newStack();
    new Token(stack, 'Manual', { connectionConfigurationId: 'ccfg_0123456789' });
    Aspects.of(stack).add(new RotationCompliance());
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotationsOf(stack)).toEqual([expect.objectContaining({ level: 'error', path: 'test/Manual', message: expect.stringMatching(/has no rotation period/) })]);
  });

  test('a token whose rotation period is not a duration is an error', () => {
    const stack = newStack();
    new Token(stack, 'Manual', { connectionConfigurationId: 'ccfg_0123456789', rotationPeriod: 'quarterly' });
    Aspects.of(stack).add(new RotationCompliance());
    Testing.synth(stack);
    expect(annotationsOf(stack)).toEqual([
      expect.objectContaining({ level: 'error', path: 'test/Manual', message: expect.stringMatching(/rotation period "quarterly", which is not a duration/) }),
    ]);
  });

  test('a rotation period known only at apply time is a warning, since it cannot be checked', () => {
    // GIVEN a token whose period comes from a Terraform variable
    const stack = newStack();
    const period = new TerraformVariable(stack, 'period', { type: 'string' });
    new Token(stack, 'Manual', { connectionConfigurationId: 'ccfg_0123456789', rotationPeriod: period.stringValue });
    Aspects.of(stack).add(new RotationCompliance());
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotationsOf(stack)).toEqual([
      expect.objectContaining({
        level: 'warning',
        path: 'test/Manual',
        message: expect.stringMatching(/only known at apply time, so it cannot be checked against the organisation's rule is at most "182d"/),
      }),
    ]);
  });

  test('a bad rule is rejected at construction', () => {
    expect(() => new RotationCompliance({ maxRotationPeriod: 'half a year' })).toThrow(/`maxRotationPeriod` must be a positive duration.*got "half a year"/);
  });
});
