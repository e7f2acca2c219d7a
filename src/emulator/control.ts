/** Test-only controls under `/_emulator/` (never part of the product API, never faulted). */
import { CONTROL_BASE_PATH, ExpireLicenseRequestSchema, FaultPlanSchema, type EmulatorStats, type ExpireLicenseResponse } from './control-schemas';
import type { FaultInjector } from './faults';
import { parseBody, type Route } from './routing';
import type { EmulatorStore } from './store';

export interface RequestCounters {
  productRequests: number;
  productRequestsByMethod: Record<string, number>;
}

export function controlRoutes(store: EmulatorStore, faults: FaultInjector, counters: RequestCounters): Route[] {
  const path = (suffix: string) => new RegExp(`^${CONTROL_BASE_PATH}${suffix}/?$`);
  return [
    {
      method: 'PUT',
      pattern: path('/faults'),
      auth: 'none',
      handle: (ctx) => {
        const plan = parseBody(ctx, FaultPlanSchema);
        faults.setPlan(plan);
        return { status: 200, body: faults.currentPlan() };
      },
    },
    {
      method: 'GET',
      pattern: path('/faults'),
      auth: 'none',
      handle: () => ({ status: 200, body: faults.currentPlan() }),
    },
    {
      method: 'DELETE',
      pattern: path('/faults'),
      auth: 'none',
      handle: () => {
        faults.clear();
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: path('/license/expire'),
      auth: 'none',
      handle: (ctx) => {
        const request = ctx.body.length > 0 ? parseBody(ctx, ExpireLicenseRequestSchema) : {};
        const body: ExpireLicenseResponse = { revokedTokens: store.expireLicense(request.connectionConfigurationId) };
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      pattern: path('/stats'),
      auth: 'none',
      handle: () => {
        const body: EmulatorStats = {
          ...store.stats(),
          productRequests: counters.productRequests,
          productRequestsByMethod: { ...counters.productRequestsByMethod },
          faultsInjected: faults.injected,
        };
        return { status: 200, body };
      },
    },
  ];
}
