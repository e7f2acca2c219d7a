/**
 * The provider's GetProviderSchema answer, encoded at build time and embedded in stage 2 (see
 * ./serve.ts and ./host/grpc-host.ts). It depends on the definitions alone, and the first provider
 * process of every Terraform command asks for nothing else: with the answer at hand, that process
 * answers without loading protobufjs, zod or the definitions.
 * `test/integration/provider/protocol/handshake.test.ts` checks that the bundle's answer equals the
 * one the sources compute.
 */
import { HclogLogger } from './host/hclog-logger';
import { serviceCodecs } from './host/proto-codecs';
import { TFPLUGIN6_PROTO } from './host/proto-descriptors';
import { loadDefinitions } from './serve';
import { ProviderService } from './tfplugin6/provider-service';

/** GetProviderSchema's answer, encoded as the provider would send it. */
export async function encodedSchemaResponse(): Promise<Uint8Array> {
  const service = new ProviderService({ ...loadDefinitions(), log: new HclogLogger({ level: 'off', module: 'build' }) });
  const codec = serviceCodecs(TFPLUGIN6_PROTO, 'tfplugin6.Provider').get('GetProviderSchema');
  if (!codec) throw new Error('tfplugin6.proto has no GetProviderSchema method');
  return codec.encodeResponse(await service.GetProviderSchema());
}

/** The bundler's `define` that embeds it in stage 2. */
export async function precomputedSchemaDefine(): Promise<Record<string, string>> {
  return { PRECOMPUTED_SCHEMA_RESPONSE: JSON.stringify(Buffer.from(await encodedSchemaResponse()).toString('base64')) };
}
