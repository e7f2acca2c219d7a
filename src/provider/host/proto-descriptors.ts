/**
 * The protobuf descriptors of the services the host serves: Terraform's tfplugin6 Provider
 * (../tfplugin6/tfplugin6.proto) and go-plugin's GRPCController (./grpc-controller.proto).
 *
 * The provider bundle carries them precompiled: the bundler replaces PRECOMPILED_PROTO_DESCRIPTORS
 * with {@link compileProtoDescriptors}'s output, so a provider start does not parse .proto text
 * (40-55 ms, and Terraform starts the provider several times per command). Run from source (tests,
 * tsx), the .proto files are parsed here instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type INamespace } from 'protobufjs';

export type ProtoDescriptor = INamespace;

interface ProtoDescriptors {
  tfplugin6: ProtoDescriptor;
  controller: ProtoDescriptor;
}

declare const PRECOMPILED_PROTO_DESCRIPTORS: ProtoDescriptors | undefined;

const PROTO_FILES: Record<keyof ProtoDescriptors, string> = {
  tfplugin6: join(__dirname, '..', 'tfplugin6', 'tfplugin6.proto'),
  controller: join(__dirname, 'grpc-controller.proto'),
};

/** Parses the .proto files into protobufjs JSON descriptors (field names kept as written). */
export function compileProtoDescriptors(): ProtoDescriptors {
  const compile = (file: string): ProtoDescriptor => parse(readFileSync(file, 'utf8'), { keepCase: true }).root.toJSON();
  return { tfplugin6: compile(PROTO_FILES.tfplugin6), controller: compile(PROTO_FILES.controller) };
}

/** The bundler's `define` that embeds the precompiled descriptors. */
export function protoDescriptorDefine(): Record<string, string> {
  return { PRECOMPILED_PROTO_DESCRIPTORS: JSON.stringify(compileProtoDescriptors()) };
}

const descriptors: ProtoDescriptors = typeof PRECOMPILED_PROTO_DESCRIPTORS === 'undefined' ? compileProtoDescriptors() : PRECOMPILED_PROTO_DESCRIPTORS;

export const TFPLUGIN6_PROTO: ProtoDescriptor = descriptors.tfplugin6;
export const GRPC_CONTROLLER_PROTO: ProtoDescriptor = descriptors.controller;
