/**
 * The tfplugin6 Provider service over the resource framework: decodes each request's
 * DynamicValues, runs the definitions' semantics (../framework: plan, apply, validate) and encodes
 * the answer. Messages are plain objects with the .proto's snake_case field names
 * (./tfplugin6.proto); the gRPC host (../host) dispatches each RPC by name to the method of the
 * same name here. `D` is whatever the provider configuration builds for the handlers.
 */
import { CodecError, decodeMsgpack, encodeMsgpack } from '../codec/cty-msgpack';
import { valueFromJson } from '../codec/cty-json';
import { applyResourceChange, importResource, readDataSource, readResource } from '../framework/apply';
import { DiagnosticsCollector } from '../framework/diagnostics';
import { openEphemeralResource } from '../framework/ephemeral';
import { planResourceChange } from '../framework/plan';
import { upgradeResourceState } from '../framework/upgrade';
import { schemaToWire, pathToWire, type WireSchema, type WireStep } from './schema-wire';
import { SecretScrubber } from '../framework/secrets';
import { reportThrown } from '../framework/thrown-errors';
import type {
  DataSourceDefinition,
  EphemeralResourceDefinition,
  HandlerContext,
  LogFields,
  Logger,
  Model,
  ObjectSchema,
  ProviderConfigDefinition,
  ResourceDefinition,
  Value,
} from '../framework/types';
import { validateConfig } from '../framework/validate';
import { impliedType } from '../framework/values';

export interface WireDynamicValue {
  msgpack?: Buffer | Uint8Array;
  json?: Buffer | Uint8Array;
}
export interface WireDiagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  attribute?: { steps: WireStep[] };
}

type LogLevelName = keyof Logger;

/** A logger that can derive one carrying extra fields (the RPC name, the resource type). */
export interface ScopedLogger extends Logger {
  with(fields: LogFields): ScopedLogger;
  /** Whether a line at `level` is written; absent means always. Lets callers skip work for dropped lines. */
  enabled?(level: LogLevelName): boolean;
}

export interface ProviderServiceOptions<D> {
  providerConfig: ProviderConfigDefinition<Model, D>;
  resources: readonly ResourceDefinition<Model, D>[];
  dataSources: readonly DataSourceDefinition<Model, D>[];
  ephemeralResources?: readonly EphemeralResourceDefinition<Model, D>[];
  log: ScopedLogger;
}

/** Per-call state: created fresh for every RPC, never shared between concurrent calls. */
interface Call {
  diagnostics: DiagnosticsCollector;
  scrubber: SecretScrubber;
  log: Logger;
  schema: ObjectSchema | undefined;
}

export class ProviderService<D = unknown> {
  private readonly resources = new Map<string, ResourceDefinition<Model, D>>();
  private readonly dataSources = new Map<string, DataSourceDefinition<Model, D>>();
  private readonly ephemeralResources = new Map<string, EphemeralResourceDefinition<Model, D>>();
  private readonly stopController = new AbortController();
  private deps: D | null = null;
  private schemaResponse: object | undefined;

  constructor(private readonly options: ProviderServiceOptions<D>) {
    for (const resource of options.resources) this.resources.set(resource.typeName, resource);
    for (const dataSource of options.dataSources) this.dataSources.set(dataSource.typeName, dataSource);
    for (const ephemeral of options.ephemeralResources ?? []) this.ephemeralResources.set(ephemeral.typeName, ephemeral);
  }

  /** Aborted by StopProvider; handlers' `ctx.signal`. */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  GetProviderSchema(): Promise<object> {
    if (!this.schemaResponse) {
      const resourceSchemas: Record<string, WireSchema> = {};
      for (const resource of this.resources.values()) {
        resourceSchemas[resource.typeName] = schemaToWire(resource.schema, resource.description, resource.schemaVersion ?? 0);
      }
      const dataSourceSchemas: Record<string, WireSchema> = {};
      for (const dataSource of this.dataSources.values()) {
        dataSourceSchemas[dataSource.typeName] = schemaToWire(dataSource.schema, dataSource.description);
      }
      const ephemeralSchemas: Record<string, WireSchema> = {};
      for (const ephemeral of this.ephemeralResources.values()) {
        ephemeralSchemas[ephemeral.typeName] = schemaToWire(ephemeral.schema, ephemeral.description);
      }
      this.schemaResponse = {
        provider: schemaToWire(this.options.providerConfig.schema, this.options.providerConfig.description),
        resource_schemas: resourceSchemas,
        data_source_schemas: dataSourceSchemas,
        ephemeral_resource_schemas: ephemeralSchemas,
        diagnostics: [],
        server_capabilities: { plan_destroy: true, get_provider_schema_optional: true },
      };
    }
    return Promise.resolve(this.schemaResponse);
  }

  ValidateProviderConfig(request: { config?: WireDynamicValue }): Promise<object> {
    const definition = this.options.providerConfig;
    const call = this.call('ValidateProviderConfig', definition.schema);
    this.guard(call, 'validated the provider configuration', () => {
      const config = this.decode(request.config, definition.schema, call);
      validateConfig(definition.schema, config, call.diagnostics, definition.validateConfig?.bind(definition));
    });
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  async ConfigureProvider(request: { terraform_version?: string; config?: WireDynamicValue }): Promise<object> {
    const definition = this.options.providerConfig;
    const call = this.call('ConfigureProvider', definition.schema);
    await this.guardAsync(call, 'configured the provider', async () => {
      const config = this.decode(request.config, definition.schema, call) as Model;
      const deps = await definition.configure(config, {
        diagnostics: call.diagnostics,
        log: call.log,
        signal: this.signal,
        terraformVersion: request.terraform_version ?? '',
      });
      if (deps) this.deps = deps;
    });
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  ValidateResourceConfig(request: { type_name: string; config?: WireDynamicValue }): Promise<object> {
    const resource = this.resources.get(request.type_name);
    const call = this.call('ValidateResourceConfig', resource?.schema, request.type_name);
    if (resource) {
      this.guard(call, `validated ${resource.typeName}`, () => {
        const config = this.decode(request.config, resource.schema, call);
        validateConfig(resource.schema, config, call.diagnostics, resource.validateConfig?.bind(resource));
      });
    } else this.unknownType(call, 'resource', request.type_name);
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  ValidateDataResourceConfig(request: { type_name: string; config?: WireDynamicValue }): Promise<object> {
    const dataSource = this.dataSources.get(request.type_name);
    const call = this.call('ValidateDataResourceConfig', dataSource?.schema, request.type_name);
    if (dataSource) {
      this.guard(call, `validated data source ${dataSource.typeName}`, () => {
        validateConfig(dataSource.schema, this.decode(request.config, dataSource.schema, call), call.diagnostics);
      });
    } else this.unknownType(call, 'data source', request.type_name);
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  UpgradeResourceState(request: { type_name: string; version?: number | string; raw_state?: { json?: Buffer; flatmap?: Record<string, string> } }): Promise<object> {
    const resource = this.resources.get(request.type_name);
    const call = this.call('UpgradeResourceState', resource?.schema, request.type_name);
    let upgraded: Value = null;
    if (resource) {
      this.guard(call, `upgraded the stored state of ${resource.typeName}`, () => {
        const json = request.raw_state?.json;
        if (!json || json.length === 0) {
          call.diagnostics.error(
            'Unsupported State Format',
            'The stored state is in the legacy flatmap format, which this provider never wrote. Remove the resource from state and import it again.',
          );
          return;
        }
        const version = Number(request.version ?? 0);
        upgraded = upgradeResourceState(resource, version, JSON.parse(Buffer.from(json).toString('utf8')), { diagnostics: call.diagnostics, log: call.log });
        call.scrubber.collect(upgraded, resource.schema);
      });
    } else this.unknownType(call, 'resource', request.type_name);
    return Promise.resolve({ upgraded_state: this.encode(upgraded, resource?.schema, call), diagnostics: this.diagnosticsOf(call) });
  }

  async ReadResource(request: { type_name: string; current_state?: WireDynamicValue; private?: Buffer }): Promise<object> {
    const resource = this.resources.get(request.type_name);
    const call = this.call('ReadResource', resource?.schema, request.type_name);
    let state: Value = null;
    if (resource) {
      await this.guardAsync(call, `read ${resource.typeName}`, async () => {
        const current = this.decode(request.current_state, resource.schema, call);
        state = current;
        const ctx = this.handlerContext(call);
        if (ctx) state = await readResource(resource, current, ctx);
      });
    } else this.unknownType(call, 'resource', request.type_name);
    return { new_state: this.encode(state, resource?.schema, call), private: request.private ?? Buffer.alloc(0), diagnostics: this.diagnosticsOf(call) };
  }

  async PlanResourceChange(request: {
    type_name: string;
    prior_state?: WireDynamicValue;
    proposed_new_state?: WireDynamicValue;
    config?: WireDynamicValue;
    prior_private?: Buffer;
  }): Promise<object> {
    const resource = this.resources.get(request.type_name);
    const call = this.call('PlanResourceChange', resource?.schema, request.type_name);
    let planned: Value = null;
    let requiresReplace: Array<{ steps: WireStep[] }> = [];
    let plannedPrivate = request.prior_private ?? Buffer.alloc(0);
    if (resource) {
      await this.guardAsync(call, `planned ${resource.typeName}`, async () => {
        const prior = this.decode(request.prior_state, resource.schema, call);
        const proposed = this.decode(request.proposed_new_state, resource.schema, call);
        const config = this.decode(request.config, resource.schema, call);
        planned = proposed;
        const ctx = this.handlerContext(call);
        if (!ctx) return;
        const result = await planResourceChange(resource, { prior, proposed, config }, ctx);
        planned = result.planned;
        requiresReplace = result.requiresReplace.map((path) => ({ steps: pathToWire(path, resource.schema) }));
        // Tells a later delete whether it destroys or replaces (Terraform hands this back to ApplyResourceChange).
        if (proposed === null) plannedPrivate = deleteReasonPrivate('destroy');
        else if (requiresReplace.length > 0) plannedPrivate = deleteReasonPrivate('replace');
      });
    } else this.unknownType(call, 'resource', request.type_name);
    return {
      planned_state: this.encode(planned, resource?.schema, call),
      requires_replace: requiresReplace,
      planned_private: plannedPrivate,
      diagnostics: this.diagnosticsOf(call),
    };
  }

  async ApplyResourceChange(request: {
    type_name: string;
    prior_state?: WireDynamicValue;
    planned_state?: WireDynamicValue;
    config?: WireDynamicValue;
    planned_private?: Buffer;
  }): Promise<object> {
    const resource = this.resources.get(request.type_name);
    const call = this.call('ApplyResourceChange', resource?.schema, request.type_name);
    let newState: Value = null;
    if (resource) {
      await this.guardAsync(call, `applied ${resource.typeName}`, async () => {
        const prior = this.decode(request.prior_state, resource.schema, call);
        const planned = this.decode(request.planned_state, resource.schema, call);
        this.decode(request.config, resource.schema, call); // only to learn its sensitive values
        newState = prior;
        const ctx = this.handlerContext(call);
        if (!ctx) return;
        if (planned === null) ctx.deleteReason = deleteReasonOf(request.planned_private);
        newState = await applyResourceChange(resource, { prior, planned }, ctx);
        call.scrubber.collect(newState, resource.schema);
      });
    } else this.unknownType(call, 'resource', request.type_name);
    return {
      new_state: this.encode(newState, resource?.schema, call),
      private: request.planned_private ?? Buffer.alloc(0),
      diagnostics: this.diagnosticsOf(call),
    };
  }

  async ImportResourceState(request: { type_name: string; id: string }): Promise<object> {
    const resource = this.resources.get(request.type_name);
    const call = this.call('ImportResourceState', resource?.schema, request.type_name);
    const imported: object[] = [];
    if (resource) {
      await this.guardAsync(call, `imported ${resource.typeName}`, async () => {
        const ctx = this.handlerContext(call);
        if (!ctx) return;
        const state = await importResource(resource, request.id, ctx);
        if (state === null) return;
        call.scrubber.collect(state, resource.schema);
        imported.push({ type_name: resource.typeName, state: this.encode(state, resource.schema, call), private: Buffer.alloc(0) });
      });
    } else this.unknownType(call, 'resource', request.type_name);
    return { imported_resources: imported, diagnostics: this.diagnosticsOf(call) };
  }

  async ReadDataSource(request: { type_name: string; config?: WireDynamicValue }): Promise<object> {
    const dataSource = this.dataSources.get(request.type_name);
    const call = this.call('ReadDataSource', dataSource?.schema, request.type_name);
    let state: Value = null;
    if (dataSource) {
      await this.guardAsync(call, `read data source ${dataSource.typeName}`, async () => {
        const config = this.decode(request.config, dataSource.schema, call);
        const ctx = this.handlerContext(call);
        if (!ctx) return;
        state = await readDataSource(dataSource, config, ctx);
        call.scrubber.collect(state, dataSource.schema);
      });
    } else this.unknownType(call, 'data source', request.type_name);
    return { state: this.encode(state, dataSource?.schema, call), diagnostics: this.diagnosticsOf(call) };
  }

  ValidateEphemeralResourceConfig(request: { type_name: string; config?: WireDynamicValue }): Promise<object> {
    const ephemeral = this.ephemeralResources.get(request.type_name);
    const call = this.call('ValidateEphemeralResourceConfig', ephemeral?.schema, request.type_name);
    if (ephemeral) {
      this.guard(call, `validated ephemeral resource ${ephemeral.typeName}`, () => {
        const config = this.decode(request.config, ephemeral.schema, call);
        validateConfig(ephemeral.schema, config, call.diagnostics, ephemeral.validateConfig?.bind(ephemeral));
      });
    } else this.unknownType(call, 'ephemeral resource', request.type_name);
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  /** The result goes to Terraform only: it keeps it in memory, never in state or a plan file. */
  async OpenEphemeralResource(request: { type_name: string; config?: WireDynamicValue }): Promise<object> {
    const ephemeral = this.ephemeralResources.get(request.type_name);
    const call = this.call('OpenEphemeralResource', ephemeral?.schema, request.type_name);
    let result: Value = null;
    if (ephemeral) {
      await this.guardAsync(call, `opened ephemeral resource ${ephemeral.typeName}`, async () => {
        const config = this.decode(request.config, ephemeral.schema, call);
        const ctx = this.handlerContext(call);
        if (!ctx) return;
        result = await openEphemeralResource(ephemeral, config, ctx);
        call.scrubber.collect(result, ephemeral.schema);
      });
    } else this.unknownType(call, 'ephemeral resource', request.type_name);
    return { result: this.encode(result, ephemeral?.schema, call), diagnostics: this.diagnosticsOf(call) };
  }

  /** Never called: no open answer sets `renew_at`. Answers without error for completeness. */
  RenewEphemeralResource(request: { type_name: string }): Promise<object> {
    const call = this.call('RenewEphemeralResource', undefined, request.type_name);
    if (!this.ephemeralResources.has(request.type_name)) this.unknownType(call, 'ephemeral resource', request.type_name);
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  /** Our ephemeral resources hold nothing open (no lease, no session): closing has nothing to do. */
  CloseEphemeralResource(request: { type_name: string }): Promise<object> {
    const call = this.call('CloseEphemeralResource', undefined, request.type_name);
    if (!this.ephemeralResources.has(request.type_name)) this.unknownType(call, 'ephemeral resource', request.type_name);
    return Promise.resolve({ diagnostics: this.diagnosticsOf(call) });
  }

  StopProvider(): Promise<object> {
    this.options.log.info('StopProvider: cancelling in-flight operations');
    this.stopController.abort();
    return Promise.resolve({ Error: '' });
  }

  private call(rpc: string, schema: ObjectSchema | undefined, typeName?: string): Call {
    const diagnostics = new DiagnosticsCollector();
    const scrubber = new SecretScrubber();
    const scoped = this.options.log.with(typeName ? { tf_rpc: rpc, tf_resource_type: typeName } : { tf_rpc: rpc });
    scoped.trace('received request');
    return { diagnostics, scrubber, log: scrubbingLogger(scoped, scrubber), schema };
  }

  private handlerContext(call: Call): HandlerContext<D> | null {
    if (this.deps === null) {
      call.diagnostics.error(
        'Provider Not Configured',
        'Terraform asked for an operation before the provider was configured successfully. Fix the errors reported for the provider block first.',
      );
      return null;
    }
    return { deps: this.deps, diagnostics: call.diagnostics, log: call.log, signal: this.signal };
  }

  private decode(dynamic: WireDynamicValue | undefined, schema: ObjectSchema, call: Call): Value {
    const type = impliedType(schema);
    let value: Value = null;
    if (dynamic?.msgpack && dynamic.msgpack.length > 0) value = decodeMsgpack(dynamic.msgpack, type);
    else if (dynamic?.json && dynamic.json.length > 0) value = valueFromJson(JSON.parse(Buffer.from(dynamic.json).toString('utf8')), type);
    call.scrubber.collect(value, schema);
    return value;
  }

  private encode(value: Value, schema: ObjectSchema | undefined, call: Call): { msgpack: Buffer } {
    if (value === null || !schema) return { msgpack: Buffer.from([0xc0]) };
    try {
      return { msgpack: Buffer.from(encodeMsgpack(value, impliedType(schema))) };
    } catch (error) {
      reportThrown(error, call.diagnostics, call.log, 'encoded its answer');
      return { msgpack: Buffer.from([0xc0]) };
    }
  }

  private guard(call: Call, action: string, body: () => void): void {
    try {
      body();
    } catch (error) {
      this.reportFrameworkError(call, action, error);
    }
  }

  private async guardAsync(call: Call, action: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      this.reportFrameworkError(call, action, error);
    }
  }

  private reportFrameworkError(call: Call, action: string, error: unknown): void {
    if (error instanceof CodecError || error instanceof SyntaxError) {
      call.diagnostics.error(
        'Unexpected Value From Terraform',
        `The provider could not read a value Terraform sent while it ${action}: ${error.message}. This is a bug in the protector provider; please report it.`,
      );
      return;
    }
    reportThrown(error, call.diagnostics, call.log, action);
  }

  private unknownType(call: Call, kind: 'resource' | 'data source' | 'ephemeral resource', typeName: string): void {
    const title = kind.replace(/\b\w/g, (letter) => letter.toUpperCase());
    call.diagnostics.error(`Unknown ${title} Type`, `This provider has no ${kind} type "${typeName}".`);
  }

  private diagnosticsOf(call: Call): WireDiagnostic[] {
    return call.diagnostics.items.map((item) => {
      const wire: WireDiagnostic = {
        severity: item.severity === 'error' ? 'ERROR' : 'WARNING',
        summary: call.scrubber.scrub(item.summary),
        detail: call.scrubber.scrub(item.detail),
      };
      if (item.path && item.path.length > 0 && call.schema) wire.attribute = { steps: pathToWire(item.path, call.schema) };
      return wire;
    });
  }
}

const NO_OP = (): void => undefined;

/**
 * Scrubs sensitive values this call has seen out of every message and string field. Levels the
 * logger drops get a no-op: a plan makes thousands of calls, and scrubbing lines nobody reads
 * was a measurable share of its CPU (bench/plan-scale).
 */
function scrubbingLogger(log: ScopedLogger, scrubber: SecretScrubber): Logger {
  const wrap = (level: LogLevelName) => {
    if (log.enabled && !log.enabled(level)) return NO_OP;
    const write = log[level].bind(log);
    return (message: string, fields?: LogFields) => {
      let clean: LogFields | undefined;
      if (fields) {
        clean = {};
        for (const [key, value] of Object.entries(fields)) clean[key] = typeof value === 'string' ? scrubber.scrub(value) : value;
      }
      write(scrubber.scrub(message), clean);
    };
  };
  return { trace: wrap('trace'), debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

const DELETE_REASON_KEY = 'protector_delete_reason';

function deleteReasonPrivate(reason: 'destroy' | 'replace'): Buffer {
  return Buffer.from(JSON.stringify({ [DELETE_REASON_KEY]: reason }), 'utf8');
}

function deleteReasonOf(data: Buffer | undefined): 'destroy' | 'replace' | undefined {
  if (!data || data.length === 0) return undefined;
  try {
    const reason = (JSON.parse(data.toString('utf8')) as Record<string, unknown>)[DELETE_REASON_KEY];
    return reason === 'destroy' || reason === 'replace' ? reason : undefined;
  } catch {
    return undefined;
  }
}
