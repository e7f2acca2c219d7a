/**
 * OpenEphemeralResource semantics. Terraform opens an ephemeral resource whenever a plan or an
 * apply needs its result and keeps the result in memory only, so opening has no state to
 * reconcile: it runs the definition's `open` on the config and hands back a wholly known result.
 */
import { cloneValue, isWhollyKnown, nullUnknowns } from '../codec/cty-values';
import { reportThrown } from './thrown-errors';
import type { EphemeralResourceDefinition, HandlerContext, Model, Value } from './types';
import { Unknown } from './types';
import { normalizeObject } from './values';

/**
 * Returns the result, or null with an error diagnostic. A config that is not wholly known (which
 * Terraform does not send; it skips the open and treats the result as unknown) gets a result
 * whose computed attributes are unknown, without calling the handler.
 */
export async function openEphemeralResource<D>(definition: EphemeralResourceDefinition<Model, D>, config: Value, ctx: HandlerContext<D>): Promise<Model | null> {
  const input = normalizeObject(cloneValue(config), definition.schema);
  if (!isWhollyKnown(input)) {
    ctx.log.debug('config not wholly known; the result stays unknown', { resource_type: definition.typeName });
    for (const [name, attribute] of Object.entries(definition.schema.attributes)) if (attribute.computed) input[name] = Unknown;
    return input;
  }
  let result: Model;
  try {
    result = await definition.open(input, ctx);
  } catch (error) {
    reportThrown(error, ctx.diagnostics, ctx.log, `opened ephemeral resource ${definition.typeName}`);
    return null;
  }
  if (ctx.diagnostics.hasErrors()) return null;
  const { value, paths } = nullUnknowns(normalizeObject(result, definition.schema));
  if (paths.length > 0) {
    ctx.diagnostics.error(
      'Provider Returned Unknown Values',
      `The provider left ${paths.map((path) => path.join('.')).join(', ')} of ${definition.typeName} unknown after opening it. This is a bug in the protector provider; please report it.`,
    );
    return null;
  }
  return value as Model;
}
