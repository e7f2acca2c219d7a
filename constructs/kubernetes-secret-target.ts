import { Construct } from 'constructs';
import { Fn, Op, Token, type TerraformProvider } from 'cdktf';
import { Annotations as KubernetesAnnotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { DeploymentType } from './deployment-type';
import { invalidProp, writeOnlyNeedsValueInState } from './errors';
import { idFragment, type IRegistrationTarget, type RegistrationContext } from './registration-target';

/** The workload kinds whose pods can be rolled by a pod-template annotation. */
export type WorkloadKind = 'Deployment' | 'DaemonSet' | 'StatefulSet';
const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'DaemonSet', 'StatefulSet'];

/** A workload to restart when the token changes. */
export interface WorkloadReference {
  /** `Deployment`, `DaemonSet` or `StatefulSet`. */
  readonly kind: WorkloadKind;
  /** The workload's name. */
  readonly name: string;
  /**
   * The workload's namespace.
   * @default - the Secret's namespace
   */
  readonly namespace?: string;
}

/** Props of {@link KubernetesSecretTarget}. */
export interface KubernetesSecretTargetProps {
  /** The namespace of the Secret (a DNS label such as `protector`). */
  readonly namespace: string;
  /** The Secret's name (a DNS subdomain such as `protector-token`). The target creates and owns it. */
  readonly secretName: string;
  /**
   * The key in the Secret that holds the token.
   * @default "token"
   */
  readonly key?: string;
  /**
   * Workloads whose pods mount the Secret: each gets a pod-template annotation carrying the token
   * fingerprint, so that a new token rolls their pods onto it.
   * @default - no workload is restarted (use this when Protector re-reads the mounted file)
   */
  readonly restart?: readonly WorkloadReference[];
  /**
   * Write the token with the Secret's write-only `data_wo` (Terraform >= 1.11), fed by the
   * connection's ephemeral token value: the value is in no state, plan or plan file. `false`
   * writes the sensitive `data` instead, which stores the value in state: it needs
   * `storeTokenValueInState: true` on the connection (Terraform < 1.11). The trade-off of
   * `data_wo`: the kubernetes provider never reads write-only data back, so a Secret edited by
   * hand is repaired only by the next rotation; with `data` the next deploy repairs it.
   * @default true
   */
  readonly writeOnly?: boolean;
  /**
   * The annotation key that carries the token fingerprint on the Secret and on restarted pod templates.
   * @default "protector-iac.dev/token-fingerprint"
   */
  readonly fingerprintAnnotation?: string;
  /**
   * The kubernetes provider to use.
   * @default - the stack's default kubernetes provider
   */
  readonly provider?: TerraformProvider;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Registers the token in a Kubernetes Secret (`kubernetes_secret_v1`), and rolls the pods of the
 * listed workloads onto a new token through a pod-template annotation (`kubernetes_annotations`)
 * holding the token fingerprint. Kubernetes deployment type only.
 */
export class KubernetesSecretTarget implements IRegistrationTarget {
  /** Always `DeploymentType.KUBERNETES`. */
  public readonly deploymentType = DeploymentType.KUBERNETES;
  /** `KubernetesSecret-<namespace>-<secretName>`. */
  public readonly id: string;
  /** `Kubernetes Secret <namespace>/<secretName>`. */
  public readonly description: string;
  /** The Secret's namespace. */
  public readonly namespace: string;
  /** The Secret's name. */
  public readonly secretName: string;
  /** The key holding the token (default applied). */
  public readonly key: string;
  /** The workloads rolled onto a new token. */
  public readonly restart: readonly WorkloadReference[];
  /** Whether the token goes into `data_wo` (true) or the sensitive `data` (false). */
  public readonly writeOnly: boolean;
  /** The annotation key carrying the token fingerprint. */
  public readonly fingerprintAnnotation: string;
  private readonly provider?: TerraformProvider;

  constructor(props: KubernetesSecretTargetProps) {
    const owner = 'KubernetesSecretTarget';
    const {
      namespace,
      secretName,
      key = 'token',
      restart = [],
      writeOnly = true,
      fingerprintAnnotation = 'protector-iac.dev/token-fingerprint',
    } = props ?? ({} as KubernetesSecretTargetProps);
    if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace)) {
      throw invalidProp(owner, 'namespace', namespace, 'must be a Kubernetes namespace name (lowercase letters, digits and "-", at most 63)');
    }
    if (typeof secretName !== 'string' || !DNS_SUBDOMAIN.test(secretName)) {
      throw invalidProp(owner, 'secretName', secretName, 'must be a Kubernetes object name (lowercase letters, digits, "-" and ".")');
    }
    if (typeof key !== 'string' || !SECRET_KEY.test(key)) {
      throw invalidProp(owner, 'key', key, 'must be a Secret key of letters, digits, "-", "_" and "."');
    }
    if (typeof writeOnly !== 'boolean') throw invalidProp(owner, 'writeOnly', writeOnly, 'must be true or false');
    if (typeof fingerprintAnnotation !== 'string' || !ANNOTATION_KEY.test(fingerprintAnnotation)) {
      throw invalidProp(owner, 'fingerprintAnnotation', fingerprintAnnotation, 'must be a Kubernetes annotation key such as "example.com/token-fingerprint"');
    }
    if (!Array.isArray(restart as unknown)) throw invalidProp(owner, 'restart', restart, 'must be a list of { kind, name }');
    const seen = new Set<string>();
    restart.forEach((workload, index) => {
      const prop = `restart[${index}]`;
      if (!workload || !WORKLOAD_KINDS.includes(workload.kind)) {
        throw invalidProp(owner, `${prop}.kind`, workload?.kind, `must be one of ${WORKLOAD_KINDS.join(', ')}`);
      }
      if (typeof workload.name !== 'string' || !DNS_SUBDOMAIN.test(workload.name)) {
        throw invalidProp(owner, `${prop}.name`, workload.name, 'must be a Kubernetes object name');
      }
      if (workload.namespace !== undefined && (typeof workload.namespace !== 'string' || !DNS_LABEL.test(workload.namespace))) {
        throw invalidProp(owner, `${prop}.namespace`, workload.namespace, 'must be a Kubernetes namespace name');
      }
      const identity = `${workload.kind}/${workload.namespace ?? namespace}/${workload.name}`;
      if (seen.has(identity)) throw invalidProp(owner, prop, workload, 'lists a workload twice; remove the duplicate');
      seen.add(identity);
    });
    this.namespace = namespace;
    this.secretName = secretName;
    this.key = key;
    this.restart = restart.map((workload) => ({ ...workload }));
    this.writeOnly = writeOnly;
    this.fingerprintAnnotation = fingerprintAnnotation;
    this.provider = props.provider;
    this.id = `KubernetesSecret-${idFragment(namespace)}-${idFragment(secretName)}`;
    this.description = `Kubernetes Secret ${namespace}/${secretName}`;
  }

  public bind(scope: Construct, context: RegistrationContext): void {
    // An ephemeral value is accepted only by write-only attributes: say so at synth, not at plan.
    if (!this.writeOnly && context.tokenValueEphemeral) throw writeOnlyNeedsValueInState(`KubernetesSecretTarget '${this.description}'`, 'writeOnly', 'data');
    const secret = new SecretV1(scope, 'Secret', {
      provider: this.provider,
      metadata: {
        name: this.secretName,
        namespace: this.namespace,
        // Tells operators which token the Secret holds without exposing it.
        annotations: { [this.fingerprintAnnotation]: context.tokenFingerprint },
      },
      type: 'Opaque',
      ...(this.writeOnly
        ? {
            dataWo: { [this.key]: context.tokenValue },
            // The kubernetes provider re-sends write-only data only when the revision changes, so it
            // must change with every token value: derive it from the fingerprint (a hash of the
            // value). A creation time is not enough: two tokens can be created in the same second.
            dataWoRevision: writeOnlyRevision(context.tokenFingerprint),
          }
        : { data: { [this.key]: context.tokenValue } }),
    });
    for (const workload of this.restart) {
      const namespace = workload.namespace ?? this.namespace;
      new KubernetesAnnotations(scope, `Restart-${workload.kind}-${idFragment(namespace)}-${idFragment(workload.name)}`, {
        provider: this.provider,
        apiVersion: 'apps/v1',
        kind: workload.kind,
        metadata: { name: workload.name, namespace },
        // A changed pod-template annotation makes the controller roll the pods; they start on the
        // new token because the Secret is written first.
        templateAnnotations: { [this.fingerprintAnnotation]: context.tokenFingerprint },
        dependsOn: [secret],
      });
    }
  }
}

/**
 * A `data_wo_revision` that changes with the token: the first 48 bits of a hash of its fingerprint,
 * plus one (the provider wants at least 1); a whole number well inside the provider's int64.
 */
function writeOnlyRevision(tokenFingerprint: string): number {
  return Token.asNumber(Op.add(Fn.parseint(Fn.substr(Fn.sha256(tokenFingerprint), 0, 12), 16), 1));
}
