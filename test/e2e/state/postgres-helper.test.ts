/** The shared-state tests' PostgreSQL helper: in CI a missing PostgreSQL fails loudly, elsewhere it is skipped with the reason. */
import { requirePostgres } from './postgres';

test('CI=true without PROTECTOR_TEST_PG_URL or the Debian binaries is an error saying what to do', () => {
  expect(() => requirePostgres({ CI: 'true' }, '/nonexistent/postgresql/bin')).toThrow(
    /CI=true and no PostgreSQL for the shared-state tests: PROTECTOR_TEST_PG_URL is not set and \/nonexistent\/postgresql\/bin does not exist\. Run the tests through \.ci\/run/,
  );
});

test('outside CI the same situation is reported as missing (the suite is skipped, saying why)', () => {
  expect(requirePostgres({}, '/nonexistent/postgresql/bin')).toMatchObject({ kind: 'missing', reason: expect.stringContaining('apt-get install -y postgresql-15') });
});

test('PROTECTOR_TEST_PG_URL is used as it is', async () => {
  const availability = requirePostgres({ CI: 'true', PROTECTOR_TEST_PG_URL: 'postgres://u@127.0.0.1:5999/db' }, '/nonexistent');
  expect(availability.kind).toBe('available');
  if (availability.kind === 'available') expect((await availability.start()).url).toBe('postgres://u@127.0.0.1:5999/db');
});
