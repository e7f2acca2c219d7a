/**
 * What this provider's handlers depend on, built by the provider block (./provider-config) at
 * ConfigureProvider, and the framework's definition types bound to it. Resources import their
 * types from here; the framework itself stays free of the API client.
 */
import type { ProtectorClient } from '../api/client';
import * as framework from './framework/types';
import type { RefreshedTokenLists } from './rotation/refreshed-token-lists';

export type {
  AttributeType,
  Diagnostics,
  LogFields,
  Logger,
  Model,
  ModelOf,
  ObjectSchema,
  Planned,
  PlanRequest,
  StoredState,
  UnknownValue,
  Value,
  ValueOf,
} from './framework/types';
export { Unknown } from './framework/types';

export interface ProviderDeps {
  api: ProtectorClient;
  clock: { now(): Date };
  /** Rejects with an AbortError once `signal` aborts (StopProvider). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Token lists read by refreshes, for the plan-time checks of the same resources (one read per refresh). */
  refreshedTokenLists: RefreshedTokenLists;
  /**
   * Configuration id -> the token the API generated with it, as far as this process learnt it (a
   * create's answer, or the activity log). A fact that never changes, so it is never read twice.
   */
  initialTokenIds: Map<string, string>;
}

export type HandlerContext = framework.HandlerContext<ProviderDeps>;
export type ResourceDefinition<M extends framework.Model = framework.Model> = framework.ResourceDefinition<M, ProviderDeps>;
export type DataSourceDefinition<M extends framework.Model = framework.Model> = framework.DataSourceDefinition<M, ProviderDeps>;
export type EphemeralResourceDefinition<M extends framework.Model = framework.Model> = framework.EphemeralResourceDefinition<M, ProviderDeps>;

export function defineResource<M extends framework.Model>(definition: ResourceDefinition<M>): ResourceDefinition {
  return framework.defineResource(definition);
}

export function defineDataSource<M extends framework.Model>(definition: DataSourceDefinition<M>): DataSourceDefinition {
  return framework.defineDataSource(definition);
}

export function defineEphemeralResource<M extends framework.Model>(definition: EphemeralResourceDefinition<M>): EphemeralResourceDefinition {
  return framework.defineEphemeralResource(definition);
}
