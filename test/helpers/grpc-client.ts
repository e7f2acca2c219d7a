/**
 * A grpc-js client for the provider's services, as a third-party gRPC client (Terraform's own is
 * grpc-go): the method definitions come from the same protobuf descriptors the provider serves.
 */
import * as grpc from '@grpc/grpc-js';
import { Root, type IConversionOptions, type Type } from 'protobufjs';
import type { ProtoDescriptor } from '../../src/provider/host/proto-descriptors';

const MESSAGE_SHAPE: IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

export function clientDefinition(descriptor: ProtoDescriptor, serviceName: string): grpc.ServiceDefinition {
  const service = Root.fromJSON(descriptor).lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType as Type;
    const response = method.resolvedResponseType as Type;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
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
