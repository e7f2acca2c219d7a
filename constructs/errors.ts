/**
 * Every error the construct library raises, as a named factory. Each message says what is wrong
 * (naming the prop in backticks and echoing the value), why it matters, and what to change.
 * They are UsageErrors: the fix is always in the user's CDKTF code or policy file.
 */
import { RECOMMENDED_ROTATION_PERIOD } from '../src/api/rules';
import { fingerprintOf } from '../src/api/fingerprint';
import { InternalError, UsageError } from '../src/errors';

const DOCS = 'See docs/constructs.md.';

/**
 * A short, safe rendering of a value a user passed. No prop should hold a token value, but a
 * misplaced one must not be printed: long opaque strings are shown by fingerprint only.
 */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return maybeSecret(value) ? `[${value.length} characters, not shown in case it is a secret: ${fingerprintOf(value)}]` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    if (/[A-Za-z0-9_-]{32,}/.test(JSON.stringify(value))) return Object.prototype.toString.call(value);
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** As long as the shortest token value and made of a token's characters (base64url). */
function maybeSecret(text: string): boolean {
  return text.length >= 32 && /^[A-Za-z0-9_-]+$/.test(text);
}

export class ConstructPropError extends UsageError {}

/** A prop has a value the construct cannot use. `owner` is e.g. "ProtectorConnection 'prod'". */
export function invalidProp(owner: string, prop: string, value: unknown, expected: string): ConstructPropError {
  return new ConstructPropError('INVALID_PROP', `${owner}: \`${prop}\` ${expected}, got ${show(value)}. ${DOCS}`);
}

export function rotationPeriodTooLong(prop: string, value: string, maxDays: number): ConstructPropError {
  return new ConstructPropError(
    'ROTATION_PERIOD_TOO_LONG',
    `RotationPolicy: \`${prop}\` is ${show(value)}, longer than ${maxDays} days. Tokens must be rotated at least once a ` +
      `year (twice a year is recommended). Use a shorter period such as "${RECOMMENDED_ROTATION_PERIOD}", or RotationPolicy.recommended(). ${DOCS}`,
  );
}

export function targetDeploymentTypeMismatch(owner: string, prop: string, target: string, targetType: string, connectionType: string): ConstructPropError {
  return new ConstructPropError(
    'DEPLOYMENT_TYPE_MISMATCH',
    `${owner}: \`${prop}\` (${target}) only works with deploymentType DeploymentType.${targetType}, but the connection's ` +
      `\`deploymentType\` is DeploymentType.${connectionType}. A token only works on the deployment type it was created ` +
      `for, so it cannot be registered there. Use a target of the connection's deployment type, or create a separate ` +
      `ProtectorConnection with deploymentType DeploymentType.${targetType} for it. ${DOCS}`,
  );
}

export function targetNotAllowed(owner: string, deploymentType: string): ConstructPropError {
  return new ConstructPropError(
    'TARGET_NOT_ALLOWED',
    `${owner}: \`target\` is only valid for deploymentType DeploymentType.REVERSE_PROXY, but \`deploymentType\` is ` +
      `DeploymentType.${deploymentType}: a Kubernetes Protector does not forward traffic to an origin. Remove \`target\`. ${DOCS}`,
  );
}

export function duplicateRegistration(owner: string, prop: string, target: string): ConstructPropError {
  return new ConstructPropError(
    'DUPLICATE_REGISTRATION',
    `${owner}: \`${prop}\` registers ${target} a second time. Each registration target may appear once; remove the duplicate. ${DOCS}`,
  );
}

export function unknownEnvironment(environment: string, known: readonly string[], source: string): ConstructPropError {
  return new ConstructPropError(
    'UNKNOWN_ENVIRONMENT',
    `RotationPolicies: no policy for environment ${show(environment)} in ${source}. Known environments: ` +
      `${known.map((name) => show(name)).join(', ')}. Add it to the policies, or use one of the known names. ${DOCS}`,
  );
}

export function invalidPolicies(source: string, problems: readonly string[]): ConstructPropError {
  return new ConstructPropError(
    'INVALID_ROTATION_POLICIES',
    `RotationPolicies: ${source} is not a valid policy map:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
      'Expected an object mapping each environment to { "every": "90d", "drainTimeout"?: "15m", "requireDrain"?: true, ' +
      `"keepers"?: { "name": "value" } }. ${DOCS}`,
  );
}

export function policiesFileUnreadable(file: string, reason: string): ConstructPropError {
  return new ConstructPropError(
    'ROTATION_POLICIES_FILE_UNREADABLE',
    `RotationPolicies: cannot read ${show(file)}: ${reason}. Pass the path of a .json, .yaml or .yml file ` +
      `(relative paths are resolved from the current directory; prefer path.join(__dirname, ...)). ${DOCS}`,
  );
}

export function providerMissing(owner: string): ConstructPropError {
  return new ConstructPropError(
    'PROVIDER_MISSING',
    `${owner}: the stack has no ProtectorProvider, so Terraform would not know where to find the protector provider ` +
      `or how to authenticate. Add \`new ProtectorProvider(stack, "protector", { ... })\` to the stack. ${DOCS}`,
  );
}

/**
 * `fromClone`: this library runs from a clone of its repository, where `npm run build:provider`
 * exists; a user of the published package has no such script, and the package ships the provider built.
 */
export function providerBundleMissing(bundle: string, fromClone: boolean): ConstructPropError {
  const build = fromClone ? 'Build it with `npm run build:provider`' : 'Reinstall cdktf-protector (its package ships the provider executable)';
  return new ConstructPropError(
    'PROVIDER_BUNDLE_MISSING',
    `ProtectorProvider: the provider executable ${show(bundle)} does not exist, so it cannot be placed in the stack's ` +
      `local provider mirror. ${build}, point \`bundlePath\` (or PROTECTOR_PROVIDER_BUNDLE) ` +
      `at it, or set \`installInStackOutput: false\` and install the provider yourself (\`npx protector provider install\`). ${DOCS}`,
  );
}

export function registrationNotWired(owner: string, prop: string, target: string): ConstructPropError {
  return new ConstructPropError(
    'REGISTRATION_NOT_WIRED',
    `${owner}: \`${prop}\` (${target}) created no resource that refers to the token, so it would never receive a new ` +
      'token, and Terraform would not wait for it before revoking the old one. In `bind()`, pass `context.tokenValue`, ' +
      `\`context.tokenId\` or \`context.tokenFingerprint\` to the resources that hold the token. ${DOCS}`,
  );
}

export function tokenValueInPlainOutput(owner: string, output: string): ConstructPropError {
  return new ConstructPropError(
    'TOKEN_VALUE_IN_PLAIN_OUTPUT',
    `${owner}: the output ${show(output)} exposes \`tokenValue\` but is not sensitive, so Terraform would print the ` +
      `token. Pass \`sensitive: true\` to that TerraformOutput, or output \`tokenFingerprint\` instead. ${DOCS}`,
  );
}

export function tokenValueThroughTerraformData(owner: string, path: string): ConstructPropError {
  return new ConstructPropError(
    'TOKEN_VALUE_THROUGH_TERRAFORM_DATA',
    `${owner}: terraform_data ${show(path)} receives \`tokenValue\`; terraform_data drops sensitivity, so every plan ` +
      `prints it in plain text. Pass the value straight to a sensitive attribute instead. ${DOCS}`,
  );
}

export function ephemeralTokenValueExposed(owner: string, kind: 'output' | 'terraform_data', name: string): ConstructPropError {
  const where = kind === 'output' ? `the output ${show(name)}` : `terraform_data ${show(name)}`;
  return new ConstructPropError(
    'EPHEMERAL_TOKEN_VALUE_EXPOSED',
    `${owner}: ${where} receives \`tokenValue\`, which is ephemeral: Terraform accepts it only in write-only ` +
      'attributes, provider configuration and locals, and would refuse this plan. Pass it to a write-only attribute ' +
      `(such as data_wo or secret_string_wo), or output \`tokenFingerprint\` instead. ${DOCS}`,
  );
}

export function writeOnlyNeedsValueInState(owner: string, prop: string, attribute: string): ConstructPropError {
  return new ConstructPropError(
    'TOKEN_VALUE_IS_EPHEMERAL',
    `${owner}: \`${prop}: false\` writes the token into \`${attribute}\`, which Terraform stores in state, but the ` +
      'connection hands out the token value as an ephemeral reference, which Terraform accepts only in write-only ' +
      `attributes. Leave \`${prop}\` on (Terraform >= 1.11), or set \`storeTokenValueInState: true\` on the ProtectorConnection ` +
      `(Terraform < 1.11; the token value is then stored in state). ${DOCS}`,
  );
}

export function packageManifestMissing(from: string): InternalError {
  return new InternalError(
    'PACKAGE_MANIFEST_MISSING',
    `cdktf-protector: cannot find its own package.json above ${show(from)}, so it cannot tell the provider version. ` +
      'The package is installed incompletely; reinstall it.',
  );
}

// Annotation messages: warnings and RotationCompliance errors that do not stop construction.

export function rotationAboveRecommendation(owner: string, period: string, recommendedDays: number): string {
  return (
    `${owner}: the rotation period ${show(period)} is longer than ${recommendedDays} days; rotating at least twice a ` +
    'year is recommended (RotationPolicy.recommended()).'
  );
}

export function tokenValueStoredInState(owner: string): string {
  return (
    `${owner}: \`storeTokenValueInState\` is on, so protector_token keeps the token value in Terraform state ` +
    '(and in plans and saved plan files): anyone who can read the state or a plan file holds a live token. Use it only ' +
    'with Terraform < 1.11 or a consumer without a write-only attribute, and keep the state in a backend only trusted ' +
    'readers can reach; otherwise remove it: registrations then get the value from the ephemeral protector_token_value.'
  );
}

export function noRegistrations(owner: string): string {
  return (
    `${owner}: \`registrations\` is empty, so nothing delivers new tokens to Protector instances and every rotation ` +
    'waits for a drain that cannot happen. Add a KubernetesSecretTarget or TokenFileTarget.'
  );
}

/** The organisation's rule as RotationCompliance messages quote it. */
function ruleOf(maxRotationPeriod: string): string {
  return `the organisation's rule is at most ${show(maxRotationPeriod)}`;
}

export function tokenNeverRotates(path: string, maxRotationPeriod: string): string {
  return `Token '${path}' has no rotation period, so it is never rotated; ${ruleOf(maxRotationPeriod)}. Set a rotation policy.`;
}

export function tokenRotationUncheckable(path: string, maxRotationPeriod: string): string {
  return `Token '${path}': the rotation period is only known at apply time, so it cannot be checked against ${ruleOf(maxRotationPeriod)}.`;
}

export function tokenRotationNotADuration(path: string, period: string, maxRotationPeriod: string): string {
  return `Token '${path}' has rotation period ${show(period)}, which is not a duration; ${ruleOf(maxRotationPeriod)}.`;
}

export function tokenRotationAboveRule(path: string, period: string, maxRotationPeriod: string): string {
  return `Token '${path}' rotates every ${show(period)}, longer than allowed: ${ruleOf(maxRotationPeriod)}. Shorten its rotation policy.`;
}
