/** The resources and data sources the provider serves, in the order the docs list them. */
import type { DataSourceDefinition, ResourceDefinition } from '../provider-deps';
import { connectionConfigurationResource } from './connection-configuration';
import { instancesDataSource } from './instances-data-source';
import { tokenResource } from './token';
import { tokenFileResource } from './token-file';
import { tokensDataSource } from './tokens-data-source';

export const resources: ResourceDefinition[] = [connectionConfigurationResource, tokenResource, tokenFileResource];
export const dataSources: DataSourceDefinition[] = [tokensDataSource, instancesDataSource];
