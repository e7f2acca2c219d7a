/** The resources and data sources the provider serves (stub until the first resource lands). */
import type { DataSourceDefinition, ResourceDefinition } from '../framework/types';

export const resources: ResourceDefinition[] = [];
export const dataSources: DataSourceDefinition[] = [];
