/** Gathers what `protector status` shows: each configuration with its tokens and instances (never a token value). */
import type { ProtectorClient } from '../api/client';
import type { ConnectionConfiguration, Instance, TokenList } from '../api/schemas';

export interface ConfigurationStatus {
  configuration: ConnectionConfiguration;
  tokens: TokenList;
  instances: Instance[];
}

const PAGE_SIZE = 100;
/** A bound on paging, so a misbehaving API cannot keep the command looping. */
const MAX_PAGES = 100;

export async function collectStatus(client: ProtectorClient, configurationId?: string): Promise<ConfigurationStatus[]> {
  const configurations = configurationId ? [await client.getConnectionConfiguration(configurationId)] : await listAllConfigurations(client);
  const statuses: ConfigurationStatus[] = [];
  for (const configuration of configurations) {
    const id = configuration.connectionConfigurationId;
    const [tokens, instances] = await Promise.all([client.listTokens(id), client.listInstances(id)]);
    statuses.push({ configuration, tokens, instances: instances.instances });
  }
  return statuses;
}

async function listAllConfigurations(client: ProtectorClient): Promise<ConnectionConfiguration[]> {
  const all: ConnectionConfiguration[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await client.listConnectionConfigurations({ page, pageSize: PAGE_SIZE });
    all.push(...result.connectionConfigurations);
    if (result.connectionConfigurations.length === 0 || all.length >= result.totalItems) break;
  }
  return all;
}
