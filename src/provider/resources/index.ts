/** The resources, data sources and ephemeral resources the provider serves, in the order the docs list them. */
import type { DataSourceDefinition, EphemeralResourceDefinition, ResourceDefinition } from '../provider-deps';
import { connectionConfigurationResource } from './connection-configuration';
import { instancesDataSource } from './instances-data-source';
import { tokenResource } from './token';
import { tokenFileResource } from './token-file';
import { tokenValueEphemeralResource } from './token-value';
import { tokensDataSource } from './tokens-data-source';

export const resources: ResourceDefinition[] = [connectionConfigurationResource, tokenResource, tokenFileResource];
export const dataSources: DataSourceDefinition[] = [tokensDataSource, instancesDataSource];
export const ephemeralResources: EphemeralResourceDefinition[] = [tokenValueEphemeralResource];
