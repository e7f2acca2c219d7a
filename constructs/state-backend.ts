/**
 * Where a stack keeps its Terraform state, picked per environment: a local file for the demo and
 * laptops, a shared locked backend in CI (PostgreSQL with `pg`, or S3). Token values live in state,
 * so the shared backends keep their credentials out of the synthesized `cdk.tf.json`: the `pg`
 * connection string comes from `PG_CONN_STR`, S3 credentials from the usual AWS variables.
 */
import { LocalBackend, PgBackend, S3Backend, type TerraformBackend, type TerraformStack } from 'cdktf';
import { invalidProp } from './errors';

/** The backends {@link StateBackend.forEnvironment} can pick. */
export type StateBackendKind = 'local' | 'pg' | 's3';

/** Props of {@link StateBackend.forEnvironment}. */
export interface StateBackendProps {
  /** The environment the stack deploys (`staging`, `production`): one state each. */
  readonly environment: string;
  /**
   * Which backend.
   * @default the `PROTECTOR_STATE_BACKEND` environment variable, else `'local'`
   */
  readonly kind?: StateBackendKind;
  /**
   * `local`: the directory of the state files, relative to the stack's working directory
   * (`cdktf.out/stacks/NAME`). Relative on purpose: cdktf's default writes an absolute path into
   * `cdk.tf.json`, which breaks on any other machine or checkout.
   * @default '../../..' (the app's directory): `terraform.ENVIRONMENT.tfstate` there
   */
  readonly localDir?: string;
  /**
   * `pg`: prefix of the PostgreSQL schema that holds the state; the environment is appended.
   * @default 'protector_'
   */
  readonly pgSchemaPrefix?: string;
  /** `s3`: the bucket (required for `s3`). */
  readonly s3Bucket?: string;
  /** `s3`: the bucket's region. @default the `AWS_REGION` environment variable */
  readonly s3Region?: string;
  /** `s3`: prefix of the object key; `ENVIRONMENT/terraform.tfstate` is appended. @default 'protector/' */
  readonly s3KeyPrefix?: string;
  /** `s3`: DynamoDB table for state locking. @default - none: S3's own lock file (`use_lockfile`) */
  readonly s3DynamodbTable?: string;
}

/** Picks a stack's state backend per environment. */
export class StateBackend {
  /** The environment variable {@link StateBackendProps.kind} defaults to. */
  public static readonly KIND_VARIABLE = 'PROTECTOR_STATE_BACKEND';

  /** Configures `stack`'s backend for `props.environment` and returns it. */
  public static forEnvironment(stack: TerraformStack, props: StateBackendProps): TerraformBackend {
    const owner = 'StateBackend.forEnvironment';
    const environment = props?.environment;
    if (typeof environment !== 'string' || !/^[a-z][a-z0-9_-]{0,39}$/.test(environment)) {
      throw invalidProp(owner, 'environment', environment, 'must be 1-40 lowercase letters, digits, "-" or "_", starting with a letter, such as "staging"');
    }
    const kind = props.kind ?? ((process.env[StateBackend.KIND_VARIABLE] || undefined) as StateBackendKind | undefined) ?? 'local';
    switch (kind) {
      case 'local':
        return new LocalBackend(stack, { path: `${props.localDir ?? '../../..'}/terraform.${environment}.tfstate` });
      case 'pg': {
        const schemaName = `${props.pgSchemaPrefix ?? 'protector_'}${environment.replace(/-/g, '_')}`;
        const backend = new PgBackend(stack, { connStr: '', schemaName });
        // Terraform reads the connection string (with its password) from PG_CONN_STR at init.
        backend.addOverride('conn_str', undefined);
        return backend;
      }
      case 's3': {
        if (typeof props.s3Bucket !== 'string' || props.s3Bucket === '') {
          throw invalidProp(owner, 's3Bucket', props.s3Bucket, 'must name the bucket that holds the state when `kind` is "s3"');
        }
        const region = props.s3Region ?? process.env.AWS_REGION;
        if (!region) throw invalidProp(owner, 's3Region', region, 'must be set (or AWS_REGION) when `kind` is "s3"');
        const backend = new S3Backend(stack, {
          bucket: props.s3Bucket,
          key: `${props.s3KeyPrefix ?? 'protector/'}${environment}/terraform.tfstate`,
          region,
          encrypt: true,
          ...(props.s3DynamodbTable ? { dynamodbTable: props.s3DynamodbTable } : {}),
        });
        if (!props.s3DynamodbTable) backend.addOverride('use_lockfile', true);
        return backend;
      }
      default:
        throw invalidProp(owner, 'kind', kind, `must be "local", "pg" or "s3" (from \`kind\` or ${StateBackend.KIND_VARIABLE})`);
    }
  }
}
