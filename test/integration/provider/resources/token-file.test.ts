import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectionConfigurationResource } from '../../../../src/provider/resources/connection-configuration';
import { holdsToken, tokenFileResource as resource } from '../../../../src/provider/resources/token-file';
import { tokenResource } from '../../../../src/provider/resources/token';
import { fingerprintOf } from '../../../../src/api/fingerprint';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { expectNoErrors, startHarness, type Harness } from './harness';

let harness: Harness;
let dir: string;
let configId: string;
let token: Model;
/** The token's value, from the API: protector_token keeps none in state (store_value is off). */
let tokenValue: string;
beforeAll(async () => {
  harness = await startHarness();
  const configuration = await harness.converge(connectionConfigurationResource, null, {
    id: null,
    created_at: null,
    name: 'files',
    description: null,
    deployment_type: 'reverse_proxy',
    contract_id: 'ctr_1',
    group_id: 'grp_1',
    target: null,
  });
  configId = configuration.state!.id as string;
  token = (await harness.converge(tokenResource, null, tokenConfig({ v: '1' }))).state!;
  tokenValue = await valueOf(token);
});

const valueOf = async (t: Model) => (await harness.deps.api.getTokenValue(configId, t.id as string)).value;
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protector-token-file-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function tokenConfig(keepers: Record<string, string>): Model {
  return {
    id: null,
    connection_configuration_id: configId,
    rotation_period: null,
    keepers,
    drain_timeout: null,
    require_drain: false,
    store_value: null,
    value: null,
    fingerprint: null,
    created_at: null,
    rotate_after: null,
  };
}

function fileConfig(tokenId: Model[string], overrides: Partial<Model> = {}): Model {
  return {
    id: null,
    connection_configuration_id: configId,
    token_id: tokenId,
    path: path.join(dir, 'sub', 'token'),
    file_permission: null,
    fingerprint: null,
    content_sha256: null,
    ...overrides,
  };
}

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

test('writes the token with mode 0600, keeps only hashes in state, and a second plan changes nothing', async () => {
  // The token's state holds no value: the file resource fetches it itself.
  expect(token.value).toBeNull();
  const { state } = await harness.converge(resource, null, fileConfig(token.id));
  const file = path.join(dir, 'sub', 'token');
  expect(fs.readFileSync(file, 'utf8')).toBe(tokenValue);
  expect(modeOf(file)).toBe('600');
  expect(fs.readdirSync(path.dirname(file))).toEqual(['token']); // no temporary left behind
  expect(state).toMatchObject({ id: file, fingerprint: token.fingerprint, file_permission: '0600' });
  expect(JSON.stringify(state)).not.toContain(tokenValue);
  expect(harness.everythingSaid()).not.toContain(tokenValue);

  const refreshed = await harness.read(resource, state!);
  expect(refreshed).toEqual(state);
  const noop = await harness.plan(resource, refreshed, fileConfig(token.id));
  expect(noop.planned).toEqual(state);
});

test('a tampered file is planned for a rewrite and repaired', async () => {
  const { state } = await harness.converge(resource, null, fileConfig(token.id));
  fs.writeFileSync(state!.path as string, 'not-the-token');

  const refreshed = await harness.read(resource, state!);
  const plan = await harness.plan(resource, refreshed, fileConfig(token.id));
  expect(plan.planned).toMatchObject({ content_sha256: Unknown, fingerprint: token.fingerprint });
  await harness.apply(resource, refreshed, plan.planned);
  expectNoErrors(harness.last);
  expect(fs.readFileSync(state!.path as string, 'utf8')).toBe(tokenValue);
});

test('a missing file is written again, and a changed permission set back', async () => {
  const { state } = await harness.converge(resource, null, fileConfig(token.id, { file_permission: '0640' }));
  fs.rmSync(state!.path as string);
  const missing = await harness.read(resource, state!);
  expect(missing).toMatchObject({ content_sha256: null });
  const repaired = await harness.converge(resource, missing, fileConfig(token.id, { file_permission: '0640' }));
  expect(fs.readFileSync(state!.path as string, 'utf8')).toBe(tokenValue);
  expect(modeOf(state!.path as string)).toBe('640');

  fs.chmodSync(state!.path as string, 0o644);
  const loose = await harness.read(resource, repaired.state!);
  expect(loose).toMatchObject({ file_permission: '0644' });
  await harness.converge(resource, loose, fileConfig(token.id, { file_permission: '0640' }));
  expect(modeOf(state!.path as string)).toBe('640');
});

test('a new token id (a rotation) rewrites the file in place with the new token', async () => {
  const { state } = await harness.converge(resource, null, fileConfig(token.id));
  const next = (await harness.converge(tokenResource, null, tokenConfig({ v: '2' }))).state!;

  const plan = await harness.plan(resource, state, fileConfig(Unknown));
  expect(plan.requiresReplace).toEqual([]);
  expect(plan.planned).toMatchObject({ fingerprint: Unknown, content_sha256: Unknown });
  const moved = await harness.converge(resource, state, fileConfig(next.id));
  expect(fs.readFileSync(state!.path as string, 'utf8')).toBe(await valueOf(next));
  expect(moved.state).toMatchObject({ token_id: next.id, fingerprint: next.fingerprint });
  await harness.apply(tokenResource, token, null); // the old token goes, as with create_before_destroy
  token = next;
  tokenValue = await valueOf(next);
});

test('destroy removes the file, and tolerates it being gone already', async () => {
  const { state } = await harness.converge(resource, null, fileConfig(token.id));
  expect(await harness.apply(resource, state, null)).toBeNull();
  expect(fs.existsSync(state!.path as string)).toBe(false);
  expect(await harness.apply(resource, state, null)).toBeNull();
  expectNoErrors(harness.last);
});

test.each([
  ['path', 'relative/token', /expected an absolute path such as "\/etc\/protector\/token", got "relative\/token"/],
  ['path', '/proc/self/token', /\/proc is a kernel file system/],
  ['path', '/sys/../sys/kernel/token', /\/sys is a kernel file system/],
  ['file_permission', '0200', /lets the owner read the file/],
  ['file_permission', '640', /four octal digits/],
  ['token_id', 'abc', /expected a token id/],
])('%s = %p is rejected on that attribute', (name, value, message) => {
  const items = harness.validate(resource, fileConfig('tok_0000000000', { [name]: value }));
  expect(items).toEqual([expect.objectContaining({ severity: 'error', path: [name] })]);
  expect(items[0]!.detail).toMatch(message);
});

// Issue 9, item 4: "0666" was accepted and wrote a world-writable token file.
test.each(['0666', '0620', '0602', '0622', '0777', '0660'])('file_permission = %p (group or other may write) is refused on that attribute', (mode) => {
  const items = harness.validate(resource, fileConfig('tok_0000000000', { file_permission: mode }));
  expect(items).toEqual([expect.objectContaining({ severity: 'error', path: ['file_permission'] })]);
  expect(items[0]!.detail).toContain(JSON.stringify(mode));
  expect(items[0]!.detail).toMatch(/write/);
  expect(items[0]!.detail).toMatch(/"0600"/);
});

test.each(['0640', '0604', '0644', '0400'])('file_permission = %p is accepted; group/other read gets a warning', (mode) => {
  const items = harness.validate(resource, fileConfig('tok_0000000000', { file_permission: mode }));
  expect(items.filter((item) => item.severity === 'error')).toEqual([]);
  const warnings = items.filter((item) => item.severity === 'warning');
  if (mode === '0400') expect(warnings).toEqual([]);
  else {
    expect(warnings).toEqual([expect.objectContaining({ path: ['file_permission'] })]);
    expect(warnings[0]!.detail).toMatch(/read/);
  }
});

test('the default permission validates without any diagnostic', () => {
  expect(harness.validate(resource, fileConfig('tok_0000000000'))).toEqual([]);
  expect(harness.validate(resource, fileConfig('tok_0000000000', { file_permission: '0600' }))).toEqual([]);
});

test('holdsToken compares the content hash with the fingerprint', () => {
  const value = 'x'.repeat(40);
  const sha = require('node:crypto').createHash('sha256').update(value).digest('hex') as string;
  expect(holdsToken(sha, fingerprintOf(value))).toBe(true);
  expect(holdsToken(sha, fingerprintOf('y'.repeat(40)))).toBe(false);
  expect(holdsToken(null, fingerprintOf(value))).toBe(false);
});

test('a token value put where an id or a path belongs is never echoed by the validation error', () => {
  // At plan time Terraform validates with known values, so `token_id = protector_token.x.value`
  // reaches the validators with the secret itself; the error must name it by fingerprint only.
  const value = tokenValue;
  for (const attribute of ['token_id', 'path', 'connection_configuration_id']) {
    const items = harness.validate(resource, fileConfig(attribute === 'token_id' ? value : token.id, { [attribute]: value }));
    expect(items).toEqual([expect.objectContaining({ severity: 'error', path: [attribute] })]);
    expect(items[0]!.detail).not.toContain(value);
    expect(items[0]!.detail).toContain(fingerprintOf(value));
  }
});

// ---------------------------------------------------------------------------------------------
// Issue 9, items 2 and 3: file-system mistakes are user errors with the path and what to change,
// a path under /proc fails at once (Node's recursive mkdir looped there for ever), and a stop
// (StopProvider, Ctrl-C) interrupts a write that is still waiting.
// ---------------------------------------------------------------------------------------------

/** The single error of the last call: a user-facing one, not "Internal Provider Error ... a bug". */
function userError(): { summary: string; detail: string } {
  const errors = harness.last.filter((item) => item.severity === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.summary).not.toMatch(/Internal/);
  expect(errors[0]!.detail).not.toMatch(/bug/i);
  return errors[0]!;
}

test('a path under /proc fails at once with a user error naming the path', async () => {
  const file = `/proc/protector-test-${process.pid}/token`;
  const state = await harness.apply(resource, null, (await harness.plan(resource, null, fileConfig(token.id, { path: file }))).planned);
  expect(state).toBeNull();
  const { detail } = userError();
  expect(detail).toContain(`/proc/protector-test-${process.pid}`);
  expect(detail).toMatch(/`path`/);
}, 20_000);

test('a path under /sys (EPERM) is a user error naming the path', async () => {
  const file = `/sys/protector-test-${process.pid}/token`;
  expect(await harness.apply(resource, null, (await harness.plan(resource, null, fileConfig(token.id, { path: file }))).planned)).toBeNull();
  const { detail } = userError();
  expect(detail).toContain(`/sys/protector-test-${process.pid}`);
  expect(detail).toMatch(/`path`/);
}, 20_000);

test('a parent that is a file is a user error naming that file', async () => {
  const blocker = path.join(dir, 'not-a-directory');
  fs.writeFileSync(blocker, 'x');
  const file = path.join(blocker, 'sub', 'token');
  expect(await harness.apply(resource, null, (await harness.plan(resource, null, fileConfig(token.id, { path: file }))).planned)).toBeNull();
  const { detail } = userError();
  expect(detail).toContain(blocker);
  expect(detail).toMatch(/is a file/);
  expect(fs.readFileSync(blocker, 'utf8')).toBe('x');
});

test('a path that is a directory is a user error on write, refresh and destroy', async () => {
  const { state } = await harness.converge(resource, null, fileConfig(token.id));
  const file = state!.path as string;
  fs.rmSync(file);
  fs.mkdirSync(file);

  expect(await harness.read(resource, state!)).toEqual(state); // unchanged
  expect(userError().detail).toMatch(new RegExp(`${file}.*is a directory`));

  await harness.apply(resource, state, { ...state!, content_sha256: Unknown });
  expect(userError().detail).toMatch(new RegExp(`${file}.*is a directory`));
  expect(fs.readdirSync(path.dirname(file))).toEqual(['token']); // no temporary left behind

  expect(await harness.apply(resource, state, null)).toEqual(state); // still there: kept in state
  expect(userError().detail).toMatch(new RegExp(`${file}.*is a directory`));
});

test('a parent replaced by a file: refresh sees the file missing, the rewrite names the parent, destroy is done', async () => {
  const { state } = await harness.converge(resource, null, fileConfig(token.id));
  const parent = path.dirname(state!.path as string);
  fs.rmSync(parent, { recursive: true });
  fs.writeFileSync(parent, 'x');

  const refreshed = await harness.read(resource, state!);
  expect(harness.last).toEqual([]);
  expect(refreshed).toMatchObject({ content_sha256: null });
  await harness.apply(resource, refreshed, { ...refreshed!, content_sha256: Unknown });
  expect(userError().detail).toContain(`${parent} is a file`);
  expect(await harness.apply(resource, refreshed, null)).toBeNull();
  expect(harness.last).toEqual([]);
});

test('a stop interrupts a write still waiting for the API, and nothing is written', async () => {
  await harness.emulator.control.setFaults({ latencyMs: 20_000, maxFaults: 1 });
  const file = path.join(dir, 'stopped', 'token');
  const plan = await harness.plan(resource, null, fileConfig(token.id, { path: file }));
  const started = Date.now();
  const applying = harness.apply(resource, null, plan.planned);
  setTimeout(() => harness.stop(), 300);
  try {
    expect(await applying).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    const { detail } = userError();
    expect(detail).toMatch(/interrupted|stopp/i);
    expect(fs.existsSync(file)).toBe(false);
  } finally {
    harness.restart();
    await harness.emulator.control.setFaults({});
  }
}, 40_000);

test('a stop between the fetch and the write is reported as an interruption, and nothing is created', async () => {
  const { writeFileAtomically } = await import('../../../../src/provider/resources/token-file-writer');
  const { StoppedByTerraformError } = await import('../../../../src/provider/resources/stoppable');
  const file = path.join(dir, 'never', 'created', 'token');
  await expect(writeFileAtomically(file, 'value', 0o600, AbortSignal.abort())).rejects.toBeInstanceOf(StoppedByTerraformError);
  expect(fs.readdirSync(dir)).toEqual([]);
});
