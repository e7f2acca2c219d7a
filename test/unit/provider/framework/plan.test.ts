import { planResourceChange } from '../../../../src/provider/framework/plan';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { newStore, testContext, widgetResource } from './test-resource';

/** What Terraform sends as config: every attribute, null where not set. */
function config(values: Partial<Model>): Model {
  return { id: null, name: null, zone: null, size: null, updated_at: null, tags: null, secret: null, target: null, ...values };
}

const PRIOR: Model = {
  id: 'w-1',
  name: 'alpha',
  zone: 'eu',
  size: 3,
  updated_at: '2026-01-01T00:00:00.000Z',
  tags: null,
  secret: null,
  target: { host: 'example.com', port: 8080 },
};

/** Terraform's proposed new state: config values, with computed nulls taken from prior state. */
function proposedFrom(cfg: Model, prior: Model | null): Model {
  const proposed: Model = { ...cfg };
  for (const key of ['id', 'size', 'updated_at'] as const) if (cfg[key] === null) proposed[key] = prior ? prior[key] : null;
  return proposed;
}

describe('planResourceChange', () => {
  test('create: computed attributes are unknown, the default fills the null optional, nothing to replace', async () => {
    const cfg = config({ name: 'alpha', zone: 'eu' });
    const result = await planResourceChange(widgetResource(newStore()), { prior: null, proposed: proposedFrom(cfg, null), config: cfg }, testContext());
    expect(result.planned).toEqual({ ...cfg, id: Unknown, updated_at: Unknown, size: 3 });
    expect(result.requiresReplace).toEqual([]);
  });

  test('no change: the plan equals prior state, with no unknowns', async () => {
    const cfg = config({ name: 'alpha', zone: 'eu', target: { host: 'example.com', port: 8080 } });
    const result = await planResourceChange(widgetResource(newStore()), { prior: PRIOR, proposed: proposedFrom(cfg, PRIOR), config: cfg }, testContext());
    expect(result.planned).toEqual(PRIOR);
    expect(result.requiresReplace).toEqual([]);
  });

  test('in-place update: id is kept from state (useStateForUnknown), other computed values become unknown', async () => {
    const cfg = config({ name: 'beta', zone: 'eu', target: { host: 'example.com', port: 8080 } });
    const result = await planResourceChange(widgetResource(newStore()), { prior: PRIOR, proposed: proposedFrom(cfg, PRIOR), config: cfg }, testContext());
    expect(result.planned).toMatchObject({ id: 'w-1', name: 'beta', updated_at: Unknown, size: 3 });
    expect(result.requiresReplace).toEqual([]);
  });

  test('a requiresReplace attribute change lists its path, and the id kept from state becomes unknown again', async () => {
    const cfg = config({ name: 'alpha', zone: 'us', target: { host: 'example.com', port: 8080 } });
    const result = await planResourceChange(widgetResource(newStore()), { prior: PRIOR, proposed: proposedFrom(cfg, PRIOR), config: cfg }, testContext());
    expect(result.requiresReplace).toEqual([['zone']]);
    expect(result.planned).toMatchObject({ id: Unknown, zone: 'us', updated_at: Unknown });
  });

  test('a conditional requiresReplace inside a block replaces only when its predicate says so', async () => {
    const lower = config({ name: 'alpha', zone: 'eu', target: { host: 'example.com', port: 80 } });
    const higher = config({ name: 'alpha', zone: 'eu', target: { host: 'example.com', port: 9090 } });
    const resource = widgetResource(newStore());
    const down = await planResourceChange(resource, { prior: PRIOR, proposed: proposedFrom(lower, PRIOR), config: lower }, testContext());
    const up = await planResourceChange(resource, { prior: PRIOR, proposed: proposedFrom(higher, PRIOR), config: higher }, testContext());
    expect(down.requiresReplace).toEqual([['target', 'port']]);
    expect(up.requiresReplace).toEqual([]);
  });

  test('an unknown value for a conditional requiresReplace attribute replaces (it may be anything)', async () => {
    const cfg = config({ name: 'alpha', zone: 'eu', target: { host: 'example.com', port: Unknown } });
    const result = await planResourceChange(widgetResource(newStore()), { prior: PRIOR, proposed: proposedFrom(cfg, PRIOR), config: cfg }, testContext());
    expect(result.requiresReplace).toEqual([['target', 'port']]);
  });

  test('removing the optional+computed value plans the default again', async () => {
    const prior = { ...PRIOR, size: 7 };
    const cfg = config({ name: 'alpha', zone: 'eu', target: { host: 'example.com', port: 8080 } });
    const result = await planResourceChange(widgetResource(newStore()), { prior, proposed: proposedFrom(cfg, prior), config: cfg }, testContext());
    expect(result.planned).toMatchObject({ size: 3, id: 'w-1', updated_at: Unknown });
  });

  test('modifyPlan sees the framework plan, may change it and may require replacement', async () => {
    const seen: unknown[] = [];
    const resource = widgetResource(newStore(), {
      modifyPlan(request) {
        seen.push(request.planned.updated_at);
        if (request.prior && request.planned.name !== request.prior.name) request.requireReplace('name', 'renames replace in this test');
        request.planned.tags = { planned: 'by-modify-plan' };
      },
    });
    const cfg = config({ name: 'beta', zone: 'eu', target: { host: 'example.com', port: 8080 } });
    const result = await planResourceChange(resource, { prior: PRIOR, proposed: proposedFrom(cfg, PRIOR), config: cfg }, testContext());
    expect(seen).toEqual([Unknown]);
    expect(result.requiresReplace).toEqual([['name']]);
    expect(result.planned).toMatchObject({ id: Unknown, tags: { planned: 'by-modify-plan' } });
  });

  test('destroy: planDestroy adds its warning, the plan is null, modifyPlan is not called', async () => {
    const store = newStore();
    let modifyCalls = 0;
    const ctx = testContext();
    const result = await planResourceChange(widgetResource(store, { modifyPlan: () => void modifyCalls++ }), { prior: PRIOR, proposed: null, config: null }, ctx);
    expect(result).toEqual({ planned: null, requiresReplace: [] });
    expect(store.destroyWarnings).toBe(1);
    expect(modifyCalls).toBe(0);
    expect(ctx.diagnostics.items).toEqual([{ severity: 'warning', summary: 'Widget Will Be Gone', detail: 'Destroying a widget cannot be undone.', path: undefined }]);
  });

  test('the second plan of a replacement (null prior) is a create plan', async () => {
    const cfg = config({ name: 'alpha', zone: 'us', target: { host: 'example.com', port: 8080 } });
    const result = await planResourceChange(widgetResource(newStore()), { prior: null, proposed: proposedFrom(cfg, null), config: cfg }, testContext());
    expect(result.planned).toMatchObject({ id: Unknown, updated_at: Unknown, zone: 'us' });
    expect(result.requiresReplace).toEqual([]);
  });
});
