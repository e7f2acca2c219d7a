import { ageOf, formatDuration } from '../../../src/api/duration';

test('one formatter: compact by default, whole seconds for ages, spaced words for prose', () => {
  const ms = 3 * 86_400_000 + 4 * 3_600_000 + 5_000;
  expect(formatDuration(ms)).toBe('3d 4h');
  expect(formatDuration(ms, { units: 1, spaced: true })).toBe('3 d');
  expect(formatDuration(30 * 60_000, { units: 1, spaced: true })).toBe('30 min');
  expect(formatDuration(400)).toBe('400ms');
  expect(formatDuration(400, { wholeSeconds: true })).toBe('0s');
});

test('an age of an unreadable timestamp says so instead of NaN', () => {
  expect(ageOf('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:01:30Z'))).toBe('1m 30s');
  expect(ageOf('not a time', Date.now())).toBe('an unknown time');
});
