import * as z from 'zod';
import { firstProblem, lengthBetween, matchesSchema, noSurroundingSpaces, oneOf, validatorsOf } from '../../../../src/provider/framework/validators';
import { durationBetween, isDuration } from '../../../../src/provider/validators';

describe('composable validators', () => {
  test('listed validators run in order and the first problem wins', () => {
    // GIVEN a duration check followed by a bound
    const rules = [isDuration(), durationBetween({ max: '24h' })];
    // THEN a non-duration is reported as such, not as out of bounds, and a bound is checked after
    expect(firstProblem(rules, '3 months')).toMatch(/^expected a duration such as/);
    expect(firstProblem(rules, '2d')).toBe('expected at most "24h", got "2d"');
    expect(firstProblem(rules, '90m')).toBeUndefined();
  });

  test('each validator describes its rule for the docs; a plain function has no description', () => {
    const plain = (): undefined => undefined;
    const described = validatorsOf([lengthBetween(1, 128), noSurroundingSpaces(), oneOf(['http', 'https']), plain]).map((v) => v.description);
    expect(described).toEqual(['from 1 to 128 characters', 'without leading or trailing spaces', 'one of "http", "https"', undefined]);
  });

  test('matchesSchema keeps the rule in the zod schema and says what was expected', () => {
    const id = matchesSchema(z.string().regex(/^ab_\d+$/), 'an id such as "ab_1"');
    expect(id('ab_12')).toBeUndefined();
    expect(id('xy')).toBe('expected an id such as "ab_1", got "xy"');
    expect(id.description).toBe('an id such as "ab_1"');
  });
});
