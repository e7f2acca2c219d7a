/**
 * The resource framework's public interface. A resource or data source is one file exporting a
 * definition built from these types; resource code never sees gRPC, msgpack or cty. The
 * framework (./plan, ./apply, ./validate) gives definitions Terraform's semantics, and the
 * tfplugin6 adapter (../tfplugin6) serves them. Handlers get the provider's dependencies as `D`,
 * whatever the provider configuration builds: the framework itself knows no API.
 */
import type { AttributeType, UnknownValue, Value } from '../codec/cty-values';
import type { Validator } from './validators';

export { Unknown, type AttributeType, type UnknownValue, type Value } from '../codec/cty-values';

interface ConditionalReplace {
  /** Called with known values only; true when the change of this attribute forces replacement. */
  when: (prior: Value, planned: Value) => boolean;
  /** Why: shown in logs and generated docs. */
  description: string;
}

export interface AttributeSchema {
  type: AttributeType;
  /** Full sentence(s), markdown; used for docs generation. */
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** Planned when config is null (optional+computed attributes only). */
  default?: Value;
  /**
   * Called only for known, non-null values; returns what to change, or undefined when fine.
   * Several run in order until one finds a problem; their descriptions go into the docs.
   */
  validate?: Validator | readonly Validator[];
  requiresReplace?: boolean | ConditionalReplace;
  /** A computed value is kept from prior state instead of "(known after apply)". */
  useStateForUnknown?: boolean;
  /** A computed attribute that may stay null (types the model only), e.g. a due date without a period. */
  nullable?: boolean;
}

export interface BlockSchema {
  nesting: 'single' | 'list' | 'set';
  description: string;
  attributes: Record<string, AttributeSchema>;
  blocks?: Record<string, BlockSchema>;
  minItems?: number;
  maxItems?: number;
  /** Any change of the block's content forces replacement. */
  requiresReplace?: boolean;
}

export interface ObjectSchema {
  attributes: Record<string, AttributeSchema>;
  blocks?: Record<string, BlockSchema>;
}

/** Attribute names and list/set indexes (numbers) or map keys (strings after a map attribute). */
export type AttributePath = ReadonlyArray<string | number>;

/** Append-only collector; summaries are Title Case and value-free, details say what to change. */
export interface Diagnostics {
  error(summary: string, detail: string, path?: AttributePath): void;
  warning(summary: string, detail: string, path?: AttributePath): void;
  hasErrors(): boolean;
}

export type LogFields = Record<string, string | number | boolean>;
/** Never pass a value of a sensitive attribute: log names, types and ids only. */
export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** `D`: the dependencies built at ConfigureProvider; tests build them directly, without gRPC. */
export interface HandlerContext<D = unknown> {
  deps: D;
  diagnostics: Diagnostics;
  log: Logger;
  /** Aborted when Terraform calls StopProvider (Ctrl-C). */
  signal: AbortSignal;
  /**
   * Set for `delete` only: 'destroy' when the plan destroys the object, 'replace' when it is the
   * delete half of a replacement; undefined when Terraform did not pass the plan's private data.
   */
  deleteReason?: 'destroy' | 'replace';
}

/** A resource's model: derive it from the schema with {@link ModelOf}. */
export type Model = { [k: string]: Value };

/** A model at plan time, when any attribute may still be unknown (it depends on another resource). */
export type Planned<M> = { [K in keyof M]: M[K] | UnknownValue };

export interface PlanRequest<M> {
  /** Null on create. */
  prior: M | null;
  config: Planned<M>;
  /** Mutable: the framework's plan (defaults, unknowns, state-for-unknown applied). */
  planned: Planned<M>;
  /** Adds the attribute to requires_replace. */
  requireReplace(attribute: keyof M & string, reason?: string): void;
}

export interface ResourceDefinition<M extends Model = Model, D = unknown> {
  /** e.g. 'protector_connection_configuration'. */
  typeName: string;
  description: string;
  schemaVersion?: number;
  schema: ObjectSchema;
  validateConfig?(config: Planned<M>, diagnostics: Diagnostics): void;
  /** Not called on destroy. */
  modifyPlan?(request: PlanRequest<M>, ctx: HandlerContext<D>): Promise<void> | void;
  create(planned: M, ctx: HandlerContext<D>): Promise<M>;
  /** Null: the object is gone and is removed from state. */
  read(state: M, ctx: HandlerContext<D>): Promise<M | null>;
  update(prior: M, planned: M, ctx: HandlerContext<D>): Promise<M>;
  delete(state: M, ctx: HandlerContext<D>): Promise<void>;
  /** Followed by read. Null: nothing with that id exists. */
  importState?(id: string, ctx: HandlerContext<D>): Promise<M | null>;
  /** e.g. a plan-time warning on destroy. */
  planDestroy?(prior: M, ctx: HandlerContext<D>): Promise<void> | void;
  /**
   * Rewrites a state stored under an older `schemaVersion` (its JSON object, as stored) into the
   * current schema's shape. Called only for `version < schemaVersion`; attributes the current
   * schema lacks are dropped afterwards. Terraform shows its diagnostics in the plan.
   */
  upgradeState?(version: number, stored: StoredState, ctx: UpgradeContext): StoredState;
}

/** A resource's state as Terraform stores it: the JSON object of its attributes. */
export type StoredState = { [attribute: string]: unknown };

/** UpgradeResourceState runs before ConfigureProvider may have: no dependencies. */
export interface UpgradeContext {
  diagnostics: Diagnostics;
  log: Logger;
}

export interface DataSourceDefinition<M extends Model = Model, D = unknown> {
  typeName: string;
  description: string;
  schema: ObjectSchema;
  read(config: M, ctx: HandlerContext<D>): Promise<M>;
}

/**
 * An ephemeral resource (`ephemeral "TYPE" "NAME" {...}`, Terraform >= 1.10): opened whenever
 * Terraform needs its result during a plan or an apply, never stored in state or plan files. Its
 * result may flow only into write-only attributes, provider configuration and other ephemeral
 * values. Ours need neither renewal nor closing, so a definition only opens.
 */
export interface EphemeralResourceDefinition<M extends Model = Model, D = unknown> {
  typeName: string;
  description: string;
  schema: ObjectSchema;
  validateConfig?(config: Planned<M>, diagnostics: Diagnostics): void;
  /**
   * Called with a wholly known config (Terraform does not open an ephemeral resource whose config
   * is unknown); returns the config with every computed attribute filled.
   */
  open(config: M, ctx: HandlerContext<D>): Promise<M>;
}

/**
 * Widens a typed definition for registration lists; handlers stay typed inside their file.
 * The framework fills every schema attribute, so the model shape holds at runtime.
 */
export function defineResource<M extends Model, D = unknown>(definition: ResourceDefinition<M, D>): ResourceDefinition<Model, D> {
  return definition as unknown as ResourceDefinition<Model, D>;
}

export function defineDataSource<M extends Model, D = unknown>(definition: DataSourceDefinition<M, D>): DataSourceDefinition<Model, D> {
  return definition as unknown as DataSourceDefinition<Model, D>;
}

export function defineEphemeralResource<M extends Model, D = unknown>(definition: EphemeralResourceDefinition<M, D>): EphemeralResourceDefinition<Model, D> {
  return definition as unknown as EphemeralResourceDefinition<Model, D>;
}

interface ProviderConfigureContext {
  diagnostics: Diagnostics;
  log: Logger;
  signal: AbortSignal;
  /** e.g. '1.11.4'. */
  terraformVersion: string;
}

/** The provider block (`provider "NAME" {...}`): its schema, and how it builds the handlers' dependencies. */
export interface ProviderConfigDefinition<M extends Model = Model, D = unknown> {
  description: string;
  schema: ObjectSchema;
  validateConfig?(config: Planned<M>, diagnostics: Diagnostics): void;
  /**
   * Builds the handlers' dependencies. Config may contain Unknown (a provider argument that
   * depends on a resource). Return null after adding an error diagnostic when it cannot.
   */
  configure(config: M, ctx: ProviderConfigureContext): Promise<D | null> | D | null;
}

export function defineProviderConfig<M extends Model, D>(definition: ProviderConfigDefinition<M, D>): ProviderConfigDefinition<Model, D> {
  return definition as unknown as ProviderConfigDefinition<Model, D>;
}

// ---------------------------------------------------------------------------------------------
// Models derived from schemas: declare the schema `as const satisfies ObjectSchema`, then
// `type XModel = ModelOf<typeof schema>`.
// ---------------------------------------------------------------------------------------------

/** The TypeScript type of a known value of a cty type. Object attributes may be null. */
export type ValueOf<T> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends readonly ['list' | 'set', infer E]
        ? Array<ValueOf<E>>
        : T extends readonly ['map', infer E]
          ? { [k: string]: ValueOf<E> }
          : T extends readonly ['object', infer O]
            ? { -readonly [K in keyof O]: ValueOf<O[K]> | null }
            : Value;

/**
 * An attribute's value when resource code sees it at apply time: inputs are known (required ones
 * non-null, defaulted ones filled), computed outputs may be unknown until the handler sets them.
 */
type AttributeValueOf<A> = A extends { type: infer T }
  ? A extends { required: true }
    ? ValueOf<T>
    : A extends { default: Value }
      ? ValueOf<T>
      : A extends { computed: true; optional: true }
        ? ValueOf<T> | null | UnknownValue
        : A extends { computed: true }
          ? ValueOf<T> | UnknownValue | (A extends { nullable: true } ? null : never)
          : ValueOf<T> | null
  : never;

type BlockValueOf<B> = B extends { nesting: 'single' } ? ModelOf<B> | null : Array<ModelOf<B>>;

type AttributesModel<S> = S extends { attributes: infer A } ? { -readonly [K in keyof A]: AttributeValueOf<A[K]> } : unknown;
type BlocksModel<S> = S extends { blocks: infer B } ? { -readonly [K in keyof B]: BlockValueOf<B[K]> } : unknown;

/** The model of a schema declared `as const`: every attribute and block, typed by its flags. */
export type ModelOf<S> = AttributesModel<S> & BlocksModel<S> extends infer M ? { [K in keyof M]: M[K] } : never;
