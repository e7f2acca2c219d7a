/**
 * A grpc-js client for the provider's services, as a third-party gRPC client (Terraform's own is
 * grpc-go): the method definitions come from the same descriptors and message shape the provider
 * serves (src/provider/host/proto-codecs.ts), read in the client's direction.
 */
import * as grpc from '@grpc/grpc-js';
import { MESSAGE_SHAPE, serviceMethods } from '../../src/provider/host/proto-codecs';
import type { ProtoDescriptor } from '../../src/provider/host/proto-descriptors';

export function clientDefinition(descriptor: ProtoDescriptor, serviceName: string): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const { name, request, response, streaming } of serviceMethods(descriptor, serviceName)) {
    definition[name] = {
      path: `/${serviceName}/${name}`,
      requestStream: streaming,
      responseStream: streaming,
      requestSerialize: (message: object) => Buffer.from(request.encode(request.fromObject(message)).finish()),
      requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes), MESSAGE_SHAPE),
      responseSerialize: (message: object) => Buffer.from(response.encode(response.fromObject(message)).finish()),
      responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes), MESSAGE_SHAPE),
    };
  }
  return definition;
}

/** One unary call with a 10 s deadline; rejects with grpc-js's ServiceError (code, details). */
export function unary<T>(client: grpc.Client, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const call = (client as unknown as Record<string, (req: object, opts: grpc.CallOptions, cb: (e: Error | null, r: T) => void) => void>)[method];
    if (!call) throw new Error(`the client has no method ${method}`);
    call.call(client, request, { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
