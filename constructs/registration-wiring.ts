import type { IConstruct } from 'constructs';
import { TerraformResource } from 'cdktf';
import { ConstructPropError } from './errors';
import { mentionsResource, synthesizedResource, type SynthesizedStack } from './synthesized-stack';

/**
 * Tells whether a bound registration is wired to the token: at least one resource it created
 * refers to it. Without that reference the registration never receives a new token, and Terraform
 * has no reason to update it before it revokes the old one.
 */
export function referencesToken(synthesized: SynthesizedStack, registrationScope: IConstruct, token: TerraformResource): boolean {
  return registrationScope.node.findAll().some((node) => node instanceof TerraformResource && mentionsResource(synthesizedResource(synthesized, node), token));
}

/** Per app (its root construct): each token file path and the registration that writes it. */
const tokenFileWriters = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Records that the registration at `scope` writes the token file `path`, and refuses a second
 * writer anywhere in the same app (another connection, environment or stack): the two would
 * overwrite each other's token on every apply, so each stack's apply undoes the other's rotation
 * and one environment's Protectors run on the other environment's token.
 */
export function claimTokenFilePath(scope: IConstruct, path: string): void {
  const root = scope.node.root;
  let writers = tokenFileWriters.get(root);
  if (!writers) {
    writers = new Map();
    tokenFileWriters.set(root, writers);
  }
  const first = writers.get(path);
  if (first !== undefined && first !== scope.node.path) throw tokenFileWrittenTwice(path, first, scope.node.path);
  writers.set(path, scope.node.path);
}

function tokenFileWrittenTwice(path: string, first: string, second: string): ConstructPropError {
  return new ConstructPropError(
    'TOKEN_FILE_WRITTEN_TWICE',
    `TokenFileTarget: \`path\` ${JSON.stringify(path)} is written by two registrations of this app: ${first} and ${second}. ` +
      "Each apply would overwrite the other one's token, so one environment's Protectors would run on the other's token and " +
      "the stacks would undo each other's rotations. Give each environment (each connection) its own token file, such as " +
      `${JSON.stringify(path.replace(/[^/]*$/, 'ENVIRONMENT.token'))}. See docs/constructs.md.`,
  );
}
