/** Which Protector instances still authenticate with a token. */
import type { Instance } from '../../api/schemas';
import type { HandlerContext } from '../provider-deps';

/** Instances that authenticated with the token recently (status GOOD or WARNING, not a stale PROBLEM). */
export async function instancesOn(configId: string, tokenId: string, ctx: HandlerContext): Promise<Instance[]> {
  const { instances } = await ctx.deps.api.listInstances(configId);
  return instances.filter((instance) => instance.tokenId === tokenId && instance.status !== 'PROBLEM');
}
