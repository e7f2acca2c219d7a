/**
 * Redaction of plan values by Terraform's sensitivity masks. `before_sensitive`/`after_sensitive`
 * mirror the shape of `before`/`after`: `true` marks a sensitive value (or a whole sensitive
 * subtree), objects and arrays of masks mark parts of it.
 *
 * Two layers, because one mistake here publishes a token in a pull request:
 * 1. structural: every value is redacted by its mask before the summary looks at it;
 * 2. textual: every sensitive string found anywhere in the plan is scrubbed from the final text.
 */

/** What a redacted value becomes. */
export const REDACTED = '(sensitive value)';

/** Shortest sensitive string the textual layer scrubs; shorter ones would match ordinary words. */
const MIN_SCRUB_LENGTH = 6;

/** `value` with every part its mask marks sensitive replaced by {@link REDACTED}. */
export function redactValue(value: unknown, mask: unknown): unknown {
  if (mask === true) return value === null || value === undefined ? value : REDACTED;
  if (Array.isArray(value)) {
    return value.map((item, index) => redactValue(item, Array.isArray(mask) ? mask[index] : undefined));
  }
  if (isRecord(value)) {
    const maskRecord = isRecord(mask) ? mask : {};
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, maskRecord[key])]));
  }
  return value;
}

/** Every string inside `value` that its mask marks sensitive (strings only: that is what leaks). */
function sensitiveStrings(value: unknown, mask: unknown, into: Set<string> = new Set()): Set<string> {
  if (mask === true) {
    collectStrings(value, into);
  } else if (Array.isArray(value) && Array.isArray(mask)) {
    value.forEach((item, index) => sensitiveStrings(item, mask[index], into));
  } else if (isRecord(value) && isRecord(mask)) {
    for (const [key, item] of Object.entries(value)) sensitiveStrings(item, mask[key], into);
  }
  return into;
}

/**
 * Every sensitive string of a `terraform show -json` document: resource changes and drift
 * (`before_sensitive`/`after_sensitive`), output changes, the state-shaped sections
 * (`sensitive_values` next to `values`), and the root module's sensitive variables.
 */
export function secretsOfPlan(plan: unknown): Set<string> {
  const secrets = sensitiveVariableValues(plan);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isRecord(node)) return;
    if ('before_sensitive' in node) sensitiveStrings(node.before, node.before_sensitive, secrets);
    if ('after_sensitive' in node) sensitiveStrings(node.after, node.after_sensitive, secrets);
    if ('sensitive_values' in node) sensitiveStrings(node.values, node.sensitive_values, secrets);
    // Outputs in planned_values / prior_state: `{ "sensitive": true, "value": ... }`.
    if (node.sensitive === true && 'value' in node) collectStrings(node.value, secrets);
    for (const child of Object.values(node)) visit(child);
  };
  visit(plan);
  return secrets;
}

/**
 * Terraform writes a root variable's value unmarked in `variables`; only the configuration says
 * `sensitive: true` (next to a `default` that may be a secret too).
 */
function sensitiveVariableValues(plan: unknown): Set<string> {
  const secrets = new Set<string>();
  if (!isRecord(plan)) return secrets;
  const rootModule = isRecord(plan.configuration) ? plan.configuration.root_module : undefined;
  const declared = isRecord(rootModule) && isRecord(rootModule.variables) ? rootModule.variables : {};
  const values = isRecord(plan.variables) ? plan.variables : {};
  for (const [name, declaration] of Object.entries(declared)) {
    if (!isRecord(declaration) || declaration.sensitive !== true) continue;
    collectStrings(declaration.default, secrets);
    const variable = values[name];
    if (isRecord(variable)) collectStrings(variable.value, secrets);
  }
  return secrets;
}

/** `text` with every occurrence of every secret replaced by {@link REDACTED}. */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].filter((secret) => secret.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const secret of ordered) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed;
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (isRecord(value)) Object.values(value).forEach((item) => collectStrings(item, into));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
