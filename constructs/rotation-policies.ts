import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ConstructPropError, invalidPolicies, policiesFileUnreadable, unknownEnvironment } from './errors';
import { RotationPolicy } from './rotation-policy';

/** One environment's entry in a policy file or object: the arguments of {@link RotationPolicy.every}. */
export interface RotationPolicySpec {
  /** The rotation period, e.g. `"90d"`; at most 365 days. */
  readonly every: string;
  /**
   * How long revoking the old token waits for instances to move to the new one; at most 24 hours.
   * @default "10m"
   */
  readonly drainTimeout?: string;
  /**
   * Whether revoking the old token waits for the drain.
   * @default true
   */
  readonly requireDrain?: boolean;
  /**
   * Values whose change rotates the token at the next deploy.
   * @default - no keepers
   */
  readonly keepers?: Readonly<Record<string, string>>;
}

const EnvironmentNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'expected an environment name of letters, digits, "_", "." or "-"');

const PolicySpecSchema = z.strictObject({
  every: z.string({ error: 'expected a duration string such as "90d"' }),
  drainTimeout: z.string({ error: 'expected a duration string such as "15m"' }).optional(),
  requireDrain: z.boolean({ error: 'expected true or false' }).optional(),
  keepers: z.record(z.string(), z.string({ error: 'expected a string value' })).optional(),
});

const PolicyMapSchema = z.record(EnvironmentNameSchema, PolicySpecSchema).refine((map) => Object.keys(map).length > 0, 'expected at least one environment');

const PARSERS: Readonly<Record<string, (text: string) => unknown>> = {
  '.json': (text) => JSON.parse(text) as unknown,
  '.yaml': (text) => parseYaml(text) as unknown,
  '.yml': (text) => parseYaml(text) as unknown,
};

/**
 * Rotation policies per environment, checked into the repository next to the app:
 *
 * ```json
 * { "production": { "every": "90d", "drainTimeout": "15m" }, "staging": { "every": "30d" } }
 * ```
 *
 * Every entry is validated when the policies are loaded, so a bad file fails the synth with a
 * message naming the environment and the field.
 */
export class RotationPolicies {
  /**
   * Loads a `.json`, `.yaml` or `.yml` policy file. Relative paths resolve from the current
   * directory; prefer `path.join(__dirname, "rotation-policies.json")`.
   */
  public static fromFile(file: string): RotationPolicies {
    const parser = PARSERS[path.extname(file).toLowerCase()];
    if (!parser) {
      throw policiesFileUnreadable(file, `unsupported extension ${JSON.stringify(path.extname(file))} (expected .json, .yaml or .yml)`);
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw policiesFileUnreadable(file, code === 'ENOENT' ? 'no such file' : String((error as Error).message));
    }
    let data: unknown;
    try {
      data = parser(text);
    } catch (error) {
      throw invalidPolicies(file, [`it does not parse: ${(error as Error).message.split('\n')[0]}`]);
    }
    return RotationPolicies.fromObject(data, file);
  }

  /**
   * Policies from an object of the same shape as the file.
   * @param source names the origin in error messages
   */
  public static fromObject(policies: unknown, source = 'the policy object'): RotationPolicies {
    const parsed = PolicyMapSchema.safeParse(policies);
    if (!parsed.success) {
      throw invalidPolicies(source, parsed.error.issues.map(describeIssue));
    }
    const built = new Map<string, RotationPolicy>();
    const problems: string[] = [];
    for (const [environment, spec] of Object.entries(parsed.data)) {
      try {
        const { every, ...options } = spec;
        built.set(environment, RotationPolicy.every(every, options));
      } catch (error) {
        if (!(error instanceof ConstructPropError)) throw error;
        problems.push(`${environment}: ${error.message.replace(/^RotationPolicy: /, '').replace(/ See docs\/constructs\.md\.$/, '')}`);
      }
    }
    if (problems.length > 0) throw invalidPolicies(source, problems);
    return new RotationPolicies(built, source);
  }

  private constructor(
    private readonly policies: ReadonlyMap<string, RotationPolicy>,
    /** Where the policies came from (a file path or a description). */
    public readonly source: string,
  ) {}

  /** The environments that have a policy, in file order. */
  public get environments(): readonly string[] {
    return [...this.policies.keys()];
  }

  /**
   * The policy of `environment`.
   * @throws for an unknown environment, listing the known ones
   */
  public for(environment: string): RotationPolicy {
    const policy = this.policies.get(environment);
    if (!policy) throw unknownEnvironment(environment, this.environments, this.source);
    return policy;
  }
}

/** `key.path: what was expected`. A bad environment name says what a name may hold, not zod's "Invalid key in record". */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : '(root)';
  const message = issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message;
  return `${where}: ${message}`;
}
