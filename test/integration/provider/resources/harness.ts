/**
 * Drives resource definitions the way Terraform does (validate, plan, apply, read, import) through
 * the framework's own semantics, without gRPC, against a real in-process emulator and a real
 * ProtectorClient built by the provider configuration.
 */
import { applyResourceChange, importResource, readDataSource, readResource } from '../../../../src/provider/framework/apply';
import { DiagnosticsCollector, type CollectedDiagnostic } from '../../../../src/provider/framework/diagnostics';
import { openEphemeralResource } from '../../../../src/provider/framework/ephemeral';
import { planResourceChange, type PlanResult } from '../../../../src/provider/framework/plan';
import type {
  DataSourceDefinition,
  EphemeralResourceDefinition,
  HandlerContext,
  LogFields,
  Logger,
  Model,
  ProviderDeps,
  ResourceDefinition,
  Value,
} from '../../../../src/provider/provider-deps';
import { validateConfig } from '../../../../src/provider/framework/validate';
import { configureProvider } from '../../../../src/provider/provider-config';
import { startInProcessEmulator, type InProcessEmulator } from '../../../helpers/emulator';

export interface LogLine {
  level: string;
  message: string;
  fields?: LogFields;
}

export class Harness {
  readonly logs: LogLine[] = [];
  /** Every diagnostic any call produced, in order. */
  readonly diagnostics: CollectedDiagnostic[] = [];
  private lastCall = new DiagnosticsCollector();
  /** What the next contexts tell `delete` (Terraform passes it through the plan's private data). */
  deleteReason: HandlerContext['deleteReason'];
  /** Aborted by `stop()`, like StopProvider aborts every handler's signal. */
  private stopController = new AbortController();

  constructor(
    readonly emulator: InProcessEmulator,
    readonly deps: ProviderDeps,
  ) {}

  /** Diagnostics of the most recent call only. */
  get last(): CollectedDiagnostic[] {
    return this.lastCall.items;
  }

  context(): HandlerContext {
    this.lastCall = new DiagnosticsCollector();
    const collector = this.lastCall;
    const all = this.diagnostics;
    const diagnostics = {
      error: (summary: string, detail: string, path?: ReadonlyArray<string | number>) => {
        collector.error(summary, detail, path);
        all.push(collector.items[collector.items.length - 1]!);
      },
      warning: (summary: string, detail: string, path?: ReadonlyArray<string | number>) => {
        collector.warning(summary, detail, path);
        all.push(collector.items[collector.items.length - 1]!);
      },
      hasErrors: () => collector.hasErrors(),
    };
    const line = (level: string) => (message: string, fields?: LogFields) => {
      this.logs.push({ level, message, fields });
    };
    const log: Logger = { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
    return { deps: this.deps, diagnostics, log, signal: this.stopController.signal, deleteReason: this.deleteReason };
  }

  /** What StopProvider (Ctrl-C) does: aborts the signal of every context handed out so far. */
  stop(): void {
    this.stopController.abort();
  }

  /** A fresh signal for the next contexts (a new provider process, after a stop). */
  restart(): void {
    this.stopController = new AbortController();
  }

  validate(definition: ResourceDefinition | DataSourceDefinition | EphemeralResourceDefinition, config: Value): CollectedDiagnostic[] {
    const ctx = this.context();
    const own = 'validateConfig' in definition ? definition.validateConfig?.bind(definition) : undefined;
    validateConfig(definition.schema, config, ctx.diagnostics, own);
    return this.last;
  }

  plan(definition: ResourceDefinition, prior: Model | null, config: Model | null): Promise<PlanResult> {
    return planResourceChange(definition, { prior, proposed: config, config }, this.context());
  }

  apply(definition: ResourceDefinition, prior: Model | null, planned: Model | null): Promise<Model | null> {
    return applyResourceChange(definition, { prior, planned }, this.context());
  }

  /** Plan then apply, failing the test on an error diagnostic from either. */
  async converge(definition: ResourceDefinition, prior: Model | null, config: Model | null): Promise<{ state: Model | null; plan: PlanResult }> {
    const plan = await this.plan(definition, prior, config);
    expectNoErrors(this.last);
    const state = await this.apply(definition, prior, plan.planned);
    expectNoErrors(this.last);
    return { state, plan };
  }

  read(definition: ResourceDefinition, state: Model): Promise<Model | null> {
    return readResource(definition, state, this.context());
  }

  import(definition: ResourceDefinition, id: string): Promise<Model | null> {
    return importResource(definition, id, this.context());
  }

  readData(definition: DataSourceDefinition, config: Model): Promise<Model | null> {
    return readDataSource(definition, config, this.context());
  }

  /** What OpenEphemeralResource does: the result Terraform keeps in memory only. */
  open(definition: EphemeralResourceDefinition, config: Model): Promise<Model | null> {
    return openEphemeralResource(definition, config, this.context());
  }

  /** Everything the provider logged and said, as one string: for "no secret anywhere" checks. */
  everythingSaid(): string {
    return JSON.stringify({ logs: this.logs, diagnostics: this.diagnostics });
  }

  async close(): Promise<void> {
    await this.emulator.close();
  }
}

export function expectNoErrors(items: CollectedDiagnostic[]): void {
  const errors = items.filter((item) => item.severity === 'error');
  if (errors.length > 0) throw new Error(`unexpected error diagnostics: ${JSON.stringify(errors, null, 2)}`);
}

/** A clock that only moves when told to, and a sleep that moves it (plus a hook per sleep). */
export function fakeTime(startMs: number = Date.now()) {
  const time = {
    nowMs: startMs,
    sleeps: 0,
    onSleep: undefined as undefined | (() => Promise<void> | void),
    clock: { now: () => new Date(time.nowMs) },
    /** Like the provider's sleep, it rejects once the signal is aborted (StopProvider). */
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      time.nowMs += ms;
      time.sleeps += 1;
      await time.onSleep?.();
      signal?.throwIfAborted();
    },
    advance(ms: number) {
      time.nowMs += ms;
    },
  };
  return time;
}

export async function startHarness(options: Parameters<typeof startInProcessEmulator>[0] = {}, deps: Partial<ProviderDeps> = {}): Promise<Harness> {
  const emulator = await startInProcessEmulator(options);
  const diagnostics = new DiagnosticsCollector();
  const configured = configureProvider({ edgerc: emulator.edgercPath, section: emulator.section, endpoint: null, request_timeout: '10s', max_retries: 2 }, diagnostics);
  if (!configured) {
    await emulator.close();
    throw new Error(`provider configuration failed: ${JSON.stringify(diagnostics.items)}`);
  }
  return new Harness(emulator, { ...configured, ...deps });
}
