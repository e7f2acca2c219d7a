import { RotationPolicy } from '../../../constructs';

describe('RotationPolicy', () => {
  test('every() keeps the period and the options', () => {
    // WHEN
    const policy = RotationPolicy.every('90d', { drainTimeout: '15m', requireDrain: false, keepers: { reason: 'incident' } });
    // THEN
    expect(policy.period).toBe('90d');
    expect(policy.periodMs).toBe(90 * 86_400_000);
    expect(policy.drainTimeout).toBe('15m');
    expect(policy.requireDrain).toBe(false);
    expect(policy.keepers).toEqual({ reason: 'incident' });
    expect(policy.exceedsRecommendation).toBe(false);
  });

  test('recommended() rotates twice a year without exceeding the recommendation', () => {
    const policy = RotationPolicy.recommended();
    expect(policy.period).toBe('182d');
    expect(policy.exceedsRecommendation).toBe(false);
  });

  test('a period above 182 days is allowed but exceeds the recommendation', () => {
    expect(RotationPolicy.every('183d').exceedsRecommendation).toBe(true);
    expect(RotationPolicy.every('365d').exceedsRecommendation).toBe(true);
  });

  test('a period above 365 days is an error naming the prop and the value', () => {
    expect(() => RotationPolicy.every('366d')).toThrow(/`every` is "366d", longer than 365 days.*at least once a year/);
    expect(() => RotationPolicy.every('365d1s')).toThrow(/longer than 365 days/);
  });

  test.each([['ninety days'], ['90'], ['0d'], [''], ['-5d']])('period %j is rejected', (period) => {
    expect(() => RotationPolicy.every(period)).toThrow(new RegExp(`\`every\` must be a positive duration.*got ${JSON.stringify(period)}`));
  });

  test('a bad drainTimeout is rejected', () => {
    expect(() => RotationPolicy.every('90d', { drainTimeout: 'soon' })).toThrow(/`drainTimeout` must be a positive duration.*got "soon"/);
  });

  test("a drainTimeout above 24 hours (the provider's limit) is rejected at construction", () => {
    // 24h is accepted; a day and a second would only fail at `terraform plan`
    expect(RotationPolicy.every('90d', { drainTimeout: '24h' }).drainTimeout).toBe('24h');
    expect(() => RotationPolicy.every('90d', { drainTimeout: '1d1s' })).toThrow(/`drainTimeout` must be a positive duration of at most 24 hours.*got "1d1s"/);
  });

  test('a non-boolean requireDrain is rejected', () => {
    expect(() => RotationPolicy.every('90d', { requireDrain: 'yes' as unknown as boolean })).toThrow(/`requireDrain` must be true or false, got "yes"/);
  });

  test('keepers must map names to strings', () => {
    expect(() => RotationPolicy.every('90d', { keepers: { n: 1 as unknown as string } })).toThrow(/`keepers` must map non-empty names to string values, got \{"n":1\}/);
  });

  test('the keepers are copied, so later changes of the input do not leak in', () => {
    const keepers: Record<string, string> = { a: '1' };
    const policy = RotationPolicy.every('1d', { keepers });
    keepers.a = '2';
    expect(policy.keepers).toEqual({ a: '1' });
  });
});
