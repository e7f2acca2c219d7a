import type { IConstruct } from 'constructs';
import { Annotations, Aspects, type IAspect, TerraformStack, Token as CdktfToken } from 'cdktf';
import { Token } from './.gen/providers/protector/token';
import { DURATION_HINT, parseDuration } from '../src/api/duration';
import { RECOMMENDED_ROTATION_PERIOD } from '../src/api/rules';
import { invalidProp, tokenNeverRotates, tokenRotationAboveRule, tokenRotationNotADuration, tokenRotationUncheckable } from './errors';

/** Props of {@link RotationCompliance}. */
export interface RotationComplianceProps {
  /**
   * The organisation's longest allowed rotation period, as a duration such as `"182d"`.
   * @default "182d" (twice a year)
   */
  readonly maxRotationPeriod?: string;
}

/**
 * An Aspect that checks every `protector_token` in its scope against the organisation's rotation
 * rule, and reports each violation as an error annotation, which fails the synth.
 *
 * cdktf 0.21 runs aspects per stack and ignores aspects added to the App itself, so use
 * `RotationCompliance.enforce(app, { maxRotationPeriod: "182d" })` after creating the stacks
 * (it adds the aspect to each of them), or `Aspects.of(stack).add(new RotationCompliance(...))`.
 */
export class RotationCompliance implements IAspect {
  /**
   * Adds a RotationCompliance aspect to `scope` if it is a stack, otherwise to every stack below
   * it (call it after the stacks are created).
   * @returns the aspect
   */
  public static enforce(scope: IConstruct, props: RotationComplianceProps = {}): RotationCompliance {
    const aspect = new RotationCompliance(props);
    const stacks = TerraformStack.isStack(scope) ? [scope] : scope.node.findAll().filter((node) => TerraformStack.isStack(node));
    for (const stack of stacks) Aspects.of(stack).add(aspect);
    return aspect;
  }

  /** The rule as written. */
  public readonly maxRotationPeriod: string;
  private readonly maxMs: number;

  constructor(props: RotationComplianceProps = {}) {
    const maxRotationPeriod = props.maxRotationPeriod ?? RECOMMENDED_ROTATION_PERIOD;
    const maxMs = typeof maxRotationPeriod === 'string' ? parseDuration(maxRotationPeriod) : undefined;
    if (maxMs === undefined || maxMs <= 0) {
      throw invalidProp('RotationCompliance', 'maxRotationPeriod', maxRotationPeriod, `must be a positive duration: ${DURATION_HINT}`);
    }
    this.maxRotationPeriod = maxRotationPeriod;
    this.maxMs = maxMs;
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof Token)) return;
    const period = node.rotationPeriodInput;
    const path = node.node.path;
    if (period === undefined) {
      Annotations.of(node).addError(tokenNeverRotates(path, this.maxRotationPeriod));
    } else if (CdktfToken.isUnresolved(period)) {
      Annotations.of(node).addWarning(tokenRotationUncheckable(path, this.maxRotationPeriod));
    } else {
      const ms = parseDuration(period);
      if (ms === undefined) Annotations.of(node).addError(tokenRotationNotADuration(path, period, this.maxRotationPeriod));
      else if (ms > this.maxMs) Annotations.of(node).addError(tokenRotationAboveRule(path, period, this.maxRotationPeriod));
    }
  }
}
