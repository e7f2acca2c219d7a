import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { TerraformStack, type ISynthesisSession } from 'cdktf';
// Not re-exported from the package root; the same hook TerraformAsset uses to write files at synth.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { ProtectorProvider as ProtectorProviderResource } from './.gen/providers/protector/provider';
import { DURATION_HINT, parseDuration } from '../src/api/duration';
import {
  EDGERC_SECTION_HINT,
  EDGERC_SECTION_PATTERN,
  MAX_REQUEST_TIMEOUT,
  MAX_REQUEST_TIMEOUT_MS,
  MAX_RETRIES_LIMIT,
  MIN_REQUEST_TIMEOUT,
  MIN_REQUEST_TIMEOUT_MS,
  PROVIDER_HOSTNAME,
  PROVIDER_NAMESPACE,
  PROVIDER_TYPE,
  terraformPlatform,
} from '../src/api/rules';
import { packageHashH1, withProviderLock } from '../src/provider/install';
import { invalidProp, providerBundleMissing } from './errors';
import { packageRoot, packageVersion, runsFromClone } from './package-info';

/** Props of {@link ProtectorProvider}. Every credential setting falls back to the `AKAMAI_*` environment variables. */
export interface ProtectorProviderProps {
  /**
   * Path of the `.edgerc` file with the EdgeGrid credentials (`~` is your home directory).
   * @default - `~/.edgerc` when it has the section, else the `AKAMAI_*` environment variables
   */
  readonly edgerc?: string;
  /**
   * Section of the `.edgerc` file.
   * @default "default"
   */
  readonly section?: string;
  /**
   * Base URL of the Protector API (for example a local emulator `http://127.0.0.1:8080`), overriding the credentials' host.
   * @default - the `host` of the credentials
   */
  readonly endpoint?: string;
  /**
   * How long one API request may take, as a duration from `"1s"` to `"10m"`.
   * @default "30s"
   */
  readonly requestTimeout?: string;
  /**
   * How many times a failed, retryable request is retried (0 to 10).
   * @default 5
   */
  readonly maxRetries?: number;
  /**
   * Provider alias, for several protector providers in one stack.
   * @default - the default provider
   */
  readonly alias?: string;
  /**
   * Place the provider executable in the synthesized stack's implied local mirror
   * (`terraform.d/plugins/...`), so `terraform init` and `cdktf deploy` find it offline with no
   * install step.
   * @default true
   */
  readonly installInStackOutput?: boolean;
  /**
   * The provider executable to place in the stack output.
   * @default - `$PROTECTOR_PROVIDER_BUNDLE`, else this package's `dist/provider/terraform-provider-protector`
   */
  readonly bundlePath?: string;
}

/** The default location of the bundled provider executable (shipped in the package; `npm run build:provider` in a clone). */
export function defaultProviderBundle(): string {
  return process.env.PROTECTOR_PROVIDER_BUNDLE || path.join(packageRoot(), 'dist', 'provider', 'terraform-provider-protector');
}

/**
 * The `protector` provider of a stack: its configuration, and the provider executable itself,
 * installed into the synthesized stack's implied local mirror, with its entry in the stack's
 * `.terraform.lock.hcl`, so that `cdktf deploy` and `terraform init` work offline with no manual
 * install step and no `--skip-provider-lock`.
 */
export class ProtectorProvider extends Construct {
  /** The provider binding (child `Resource`); pass it as `provider` to resources. */
  public readonly resource: ProtectorProviderResource;
  /** The provider version the stack requires: this package's version. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: ProtectorProviderProps = {}) {
    super(scope, id);
    const owner = `ProtectorProvider '${this.node.path}'`;
    validate(owner, props);
    this.version = packageVersion();
    this.resource = new ProtectorProviderResource(this, 'Resource', {
      edgerc: props.edgerc,
      section: props.section,
      endpoint: props.endpoint,
      requestTimeout: props.requestTimeout,
      maxRetries: props.maxRetries,
      alias: props.alias,
    });
    if (props.installInStackOutput ?? true) {
      const bundle = path.resolve(props.bundlePath ?? defaultProviderBundle());
      const stack = TerraformStack.of(this);
      addCustomSynthesis(this, {
        onSynthesize: (session: ISynthesisSession) => this.installIntoStackOutput(session, stack, bundle),
      });
    }
  }

  /** Copies the executable to `<stack dir>/terraform.d/plugins/HOST/NS/TYPE/VERSION/OS_ARCH/`. */
  private installIntoStackOutput(session: ISynthesisSession, stack: TerraformStack, bundle: string): void {
    if (!fs.existsSync(bundle)) throw providerBundleMissing(bundle, runsFromClone());
    const stackManifest = session.manifest.forStack(stack);
    const stackDir = path.join(session.manifest.outdir, stackManifest.synthesizedStackPath, '..');
    const installDir = path.join(stackDir, 'terraform.d', 'plugins', PROVIDER_HOSTNAME, PROVIDER_NAMESPACE, PROVIDER_TYPE, this.version, terraformPlatform());
    fs.mkdirSync(installDir, { recursive: true });
    const target = path.join(installDir, `terraform-provider-${PROVIDER_TYPE}_v${this.version}`);
    fs.copyFileSync(bundle, target);
    fs.chmodSync(target, 0o755);
    // The provider's lock entry, hashing the executable just placed: with it `cdktf deploy` needs no
    // `--skip-provider-lock` (see src/provider/lock-file.ts). The bindings pin the version exactly.
    const lockFile = path.join(stackDir, '.terraform.lock.hcl');
    const current = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : '';
    fs.writeFileSync(lockFile, withProviderLock(current, this.version, this.version, [packageHashH1(installDir)]));
  }
}

function validate(owner: string, props: ProtectorProviderProps): void {
  if (props.edgerc !== undefined && (typeof props.edgerc !== 'string' || props.edgerc.trim() === '')) {
    throw invalidProp(owner, 'edgerc', props.edgerc, 'must be a file path');
  }
  if (props.section !== undefined && (typeof props.section !== 'string' || !EDGERC_SECTION_PATTERN.test(props.section))) {
    throw invalidProp(owner, 'section', props.section, `must be ${EDGERC_SECTION_HINT}`);
  }
  if (props.endpoint !== undefined && !isHttpUrl(props.endpoint)) {
    throw invalidProp(owner, 'endpoint', props.endpoint, 'must be a URL such as "https://akab-xxxx.luna.akamaiapis.net" or "http://127.0.0.1:8080"');
  }
  if (props.requestTimeout !== undefined) {
    const ms = typeof props.requestTimeout === 'string' ? parseDuration(props.requestTimeout) : undefined;
    if (ms === undefined || ms < MIN_REQUEST_TIMEOUT_MS || ms > MAX_REQUEST_TIMEOUT_MS) {
      throw invalidProp(owner, 'requestTimeout', props.requestTimeout, `must be from "${MIN_REQUEST_TIMEOUT}" to "${MAX_REQUEST_TIMEOUT}", ${DURATION_HINT}`);
    }
  }
  if (props.maxRetries !== undefined && !(Number.isInteger(props.maxRetries) && props.maxRetries >= 0 && props.maxRetries <= MAX_RETRIES_LIMIT)) {
    throw invalidProp(owner, 'maxRetries', props.maxRetries, `must be a whole number from 0 to ${MAX_RETRIES_LIMIT}`);
  }
  if (props.alias !== undefined && (typeof props.alias !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(props.alias))) {
    throw invalidProp(owner, 'alias', props.alias, 'must be a Terraform identifier such as "staging"');
  }
  if (props.bundlePath !== undefined && (typeof props.bundlePath !== 'string' || props.bundlePath === '')) {
    throw invalidProp(owner, 'bundlePath', props.bundlePath, 'must be the path of the provider executable');
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '');
  } catch {
    return false;
  }
}
