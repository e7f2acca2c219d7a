import { applyResourceChange, importResource, readResource } from '../../../../src/provider/framework/apply';
import { planResourceChange } from '../../../../src/provider/framework/plan';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { ExternalError } from '../../../../src/errors';
import { FIXED_NOW, newStore, testContext, widgetResource } from './test-resource';

const CONFIG: Model = { id: null, name: 'alpha', zone: 'eu', size: null, updated_at: null, tags: null, secret: null, target: { host: 'example.com', port: 8080 } };

async function createdWidget(store = newStore()) {
  const resource = widgetResource(store);
  const plan = await planResourceChange(resource, { prior: null, proposed: CONFIG, config: CONFIG }, testContext());
  const ctx = testContext();
  const state = await applyResourceChange(resource, { prior: null, planned: plan.planned }, ctx);
  return { resource, store, plan, state, ctx };
}

describe('applyResourceChange', () => {
  test('create fills the unknowns and keeps every known planned value', async () => {
    const { state, ctx, store } = await createdWidget();
    expect(ctx.diagnostics.items).toEqual([]);
    expect(state).toEqual({ ...CONFIG, id: 'w-1', size: 3, updated_at: FIXED_NOW.toISOString() });
    expect(store.objects.has('w-1')).toBe(true);
  });

  test('update and delete reach their handlers; delete leaves a null state', async () => {
    const { resource, state, store } = await createdWidget();
    const planned: Model = { ...state!, name: 'beta', updated_at: Unknown };
    const updated = await applyResourceChange(resource, { prior: state, planned }, testContext());
    expect(updated).toMatchObject({ id: 'w-1', name: 'beta' });
    const ctx = testContext();
    expect(await applyResourceChange(resource, { prior: updated, planned: null }, ctx)).toBeNull();
    expect(ctx.diagnostics.hasErrors()).toBe(false);
    expect(store.objects.size).toBe(0);
  });

  test('a handler that changes a known planned value gets an inconsistent-result error naming the attribute only', async () => {
    const resource = widgetResource(newStore(), { create: async (planned) => ({ ...planned, id: 'x', updated_at: 't', name: 'other-secret-name' }) });
    const ctx = testContext();
    const plan = await planResourceChange(resource, { prior: null, proposed: CONFIG, config: CONFIG }, testContext());
    const state = await applyResourceChange(resource, { prior: null, planned: plan.planned }, ctx);
    expect(state).toMatchObject({ id: 'x' });
    expect(ctx.diagnostics.items).toHaveLength(1);
    expect(ctx.diagnostics.items[0]).toMatchObject({ severity: 'error', summary: 'Provider Produced Inconsistent Result' });
    expect(ctx.diagnostics.items[0].detail).toContain('name');
    expect(ctx.diagnostics.items[0].detail).not.toContain('other-secret-name');
  });

  test('a handler that leaves an unknown is an error, and the state holds null instead', async () => {
    const resource = widgetResource(newStore(), { create: async (planned) => ({ ...planned, id: 'x' }) });
    const ctx = testContext();
    const plan = await planResourceChange(resource, { prior: null, proposed: CONFIG, config: CONFIG }, testContext());
    const state = await applyResourceChange(resource, { prior: null, planned: plan.planned }, ctx);
    expect(state).toMatchObject({ id: 'x', updated_at: null });
    expect(ctx.diagnostics.items.map((item) => item.summary)).toEqual(['Provider Returned Unknown Values']);
  });

  test('a ProtectorError becomes an error whose detail is its message and whose summary comes from its code', async () => {
    const resource = widgetResource(newStore(), {
      create: async () => {
        throw new ExternalError('MAX_ACTIVE_TOKENS', 'The configuration already has 2 active tokens. Revoke one first.');
      },
    });
    const ctx = testContext();
    expect(await applyResourceChange(resource, { prior: null, planned: { ...CONFIG, id: Unknown } }, ctx)).toBeNull();
    expect(ctx.diagnostics.items).toEqual([
      { severity: 'error', summary: 'Max Active Tokens', detail: 'The configuration already has 2 active tokens. Revoke one first.', path: undefined },
    ]);
  });

  test('any other exception is an internal provider error; the stack goes only to the debug log', async () => {
    const resource = widgetResource(newStore(), {
      update: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const { state } = await createdWidget();
    const ctx = testContext();
    const result = await applyResourceChange(resource, { prior: state, planned: { ...state!, name: 'beta' } }, ctx);
    expect(result).toEqual(state); // a failed update keeps the prior state
    expect(ctx.diagnostics.items[0].summary).toBe('Internal Provider Error');
    expect(ctx.diagnostics.items[0].detail).toContain('cannot read properties of undefined');
    expect(ctx.diagnostics.items[0].detail).not.toMatch(/\bat .*\.ts:\d+/);
    expect(ctx.log.lines.some((line) => line.level === 'debug' && String(line.fields?.stack).includes('TypeError'))).toBe(true);
  });

  test('a failed delete keeps the prior state so the next run retries', async () => {
    const resource = widgetResource(newStore(), {
      delete: async () => {
        throw new ExternalError('API_UNAVAILABLE', 'The API did not answer.');
      },
    });
    const { state } = await createdWidget();
    const ctx = testContext();
    expect(await applyResourceChange(resource, { prior: state, planned: null }, ctx)).toEqual(state);
    expect(ctx.diagnostics.hasErrors()).toBe(true);
  });

  test('concurrent creates do not interfere (Terraform applies in parallel in one process)', async () => {
    const store = newStore();
    const resource = widgetResource(store);
    const configs = Array.from({ length: 30 }, (_, i) => ({ ...CONFIG, name: `w${i}` }));
    const states = await Promise.all(
      configs.map(async (cfg) => {
        const plan = await planResourceChange(resource, { prior: null, proposed: cfg, config: cfg }, testContext());
        return applyResourceChange(resource, { prior: null, planned: plan.planned }, testContext());
      }),
    );
    expect(states.map((state) => state?.name)).toEqual(configs.map((cfg) => cfg.name));
    expect(new Set(states.map((state) => state?.id)).size).toBe(30);
    expect(store.objects.size).toBe(30);
  });
});

describe('readResource and importResource', () => {
  test('read returns the current object; a vanished object reads as null (removed from state)', async () => {
    const { resource, state, store } = await createdWidget();
    expect(await readResource(resource, state, testContext())).toEqual(state);
    store.objects.clear();
    expect(await readResource(resource, state, testContext())).toBeNull();
  });

  test('a failing read keeps the state and reports the error', async () => {
    const { state } = await createdWidget();
    const resource = widgetResource(newStore(), {
      read: async () => {
        throw new ExternalError('UNAUTHORIZED', 'The credentials were refused.');
      },
    });
    const ctx = testContext();
    expect(await readResource(resource, state, ctx)).toEqual(state);
    expect(ctx.diagnostics.items[0].summary).toBe('Unauthorized');
  });

  test('import without a handler passes the id through; a handler returning null is a clear error', async () => {
    const passthrough = await importResource(widgetResource(newStore()), 'w-9', testContext());
    expect(passthrough).toMatchObject({ id: 'w-9', name: null, target: null });
    const ctx = testContext();
    expect(await importResource(widgetResource(newStore(), { importState: async () => null }), 'w-404', ctx)).toBeNull();
    expect(ctx.diagnostics.items[0]).toMatchObject({ summary: 'Cannot Import Non-Existent Remote Object' });
    expect(ctx.diagnostics.items[0].detail).toContain('w-404');
  });
});
