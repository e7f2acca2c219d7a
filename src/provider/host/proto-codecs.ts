/**
 * The protobuf side of the host: each unary method's request decoder and response encoder, built
 * with protobufjs reflection from the precompiled descriptors. Loaded on the first call that needs
 * it (see ./grpc-host.ts): a provider process that only answers GetProviderSchema never does.
 */
import { Root, type IConversionOptions, type Type } from 'protobufjs';
import type { ProtoDescriptor } from './proto-descriptors';

/** How messages look to the handlers: 64-bit integers as numbers, enums by name, absent fields with their defaults, oneofs named. */
export const MESSAGE_SHAPE: IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/** A method of a service with its resolved message types. */
export interface ServiceMethod {
  readonly name: string;
  readonly request: Type;
  readonly response: Type;
  readonly streaming: boolean;
}

export function serviceMethods(descriptor: ProtoDescriptor, serviceName: string): ServiceMethod[] {
  return Root.fromJSON(descriptor)
    .lookupService(serviceName)
    .methodsArray.map((method) => {
      method.resolve();
      return {
        name: method.name,
        request: method.resolvedRequestType as Type,
        response: method.resolvedResponseType as Type,
        streaming: method.requestStream === true || method.responseStream === true,
      };
    });
}

export interface MethodCodec {
  /** The .proto's method name, e.g. "PlanResourceChange". */
  readonly name: string;
  decodeRequest(bytes: Uint8Array): unknown;
  encodeResponse(message: object): Uint8Array;
}

/** The unary methods of a service, by name. */
export function serviceCodecs(descriptor: ProtoDescriptor, serviceName: string): Map<string, MethodCodec> {
  const codecs = new Map<string, MethodCodec>();
  for (const { name, request, response, streaming } of serviceMethods(descriptor, serviceName)) {
    if (streaming) continue;
    codecs.set(name, {
      name,
      decodeRequest: (bytes) => request.toObject(request.decode(bytes), MESSAGE_SHAPE),
      encodeResponse: (message) => response.encode(response.fromObject(message)).finish(),
    });
  }
  return codecs;
}
