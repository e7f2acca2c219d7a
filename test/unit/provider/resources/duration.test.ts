import { durationProblem, formatDuration, parseDuration } from '../../../../src/api/duration';

test.each([
  ['30s', 30_000],
  ['10m', 600_000],
  ['12h', 43_200_000],
  ['90d', 90 * 86_400_000],
  ['1h30m', 5_400_000],
  ['250ms', 250],
])('parses %s', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

test.each(['', '30', 's', '1.5h', '-1s', '10 m', '1y', '30S'])('rejects %p with a hint', (text) => {
  expect(parseDuration(text)).toBeUndefined();
  expect(durationProblem(text)).toBe(`expected a duration such as "30s", "10m", "12h", "90d" or "1h30m" (units ms, s, m, h, d), got ${JSON.stringify(text)}`);
});

test('formats for messages with the two largest units', () => {
  expect(formatDuration(250)).toBe('250ms');
  expect(formatDuration(45_000)).toBe('45s');
  expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000 + 5_000)).toBe('2d 3h');
});
