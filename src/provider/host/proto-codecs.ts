/**
 * The protobuf side of the host: each unary method's request decoder and response encoder, built
 * with protobufjs reflection from the precompiled descriptors. Loaded on the first call that needs
 * it (see ./grpc-host.ts): a provider process that only answers GetProviderSchema never does.
 */
import { Root, type IConversionOptions, type Type } from 'protobufjs';
import type { ProtoDescriptor } from './proto-descriptors';

/** How messages look to the handlers: 64-bit integers as numbers, enums by name, absent fields with their defaults, oneofs named. */
const MESSAGE_SHAPE: IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

export interface MethodCodec {
  /** The .proto's method name, e.g. "PlanResourceChange". */
  readonly name: string;
  decodeRequest(bytes: Uint8Array): unknown;
  encodeResponse(message: object): Uint8Array;
}

/** The unary methods of a service, by name. */
export function serviceCodecs(descriptor: ProtoDescriptor, serviceName: string): Map<string, MethodCodec> {
  const service = Root.fromJSON(descriptor).lookupService(serviceName);
  const codecs = new Map<string, MethodCodec>();
  for (const method of service.methodsArray) {
    if (method.requestStream === true || method.responseStream === true) continue;
    method.resolve();
    const request = method.resolvedRequestType as Type;
    const response = method.resolvedResponseType as Type;
    codecs.set(method.name, {
      name: method.name,
      decodeRequest: (bytes) => request.toObject(request.decode(bytes), MESSAGE_SHAPE),
      encodeResponse: (message) => response.encode(response.fromObject(message)).finish(),
    });
  }
  return codecs;
}
