/** The product API (`/protector/v1`): validates each request with the contract's zod schemas. */
import {
  ApiPaths,
  ConnectionConfigurationIdSchema,
  CreateConnectionConfigurationRequestSchema,
  HeartbeatRequestSchema,
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKeySchema,
  PageQuerySchema,
  TokenIdSchema,
  UpdateConnectionConfigurationRequestSchema,
} from '../api/schemas';
import * as z from 'zod';
import { Problems, fieldErrorsOf } from './problems';
import { headerValue, parseBody, parseParam, parseQuery, type RequestContext, type Route } from './routing';
import type { EmulatorStore } from './store';

/** Stands for an id when a contract path is built with `ApiPaths`, so routes follow the contract's paths. */
const ID = '\u0000';

/** The route pattern of a contract path built with `ID` for each id: one path segment per id, optional trailing slash. */
function routeOf(contractPath: string): RegExp {
  const source = contractPath
    .split(encodeURIComponent(ID))
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('([^/]+)');
  return new RegExp(`^${source}/?$`);
}

/** POST bodies that carry nothing: accepts an empty body or `{}`. */
const EmptyBodySchema = z.union([z.undefined(), z.strictObject({})]);

export function productRoutes(store: EmulatorStore): Route[] {
  const configId = (params: string[]) => parseParam(params[0], 'configId', ConnectionConfigurationIdSchema);
  const tokenId = (params: string[]) => parseParam(params[1], 'tokenId', TokenIdSchema);

  return [
    {
      method: 'POST',
      pattern: routeOf(ApiPaths.configurations()),
      auth: 'edgegrid',
      handle: (ctx) => {
        const request = parseBody(ctx, CreateConnectionConfigurationRequestSchema);
        const { result, replayed } = store.createConfiguration(request, idempotencyKeyOf(ctx));
        return { status: 201, body: result, headers: replayHeaders(replayed) };
      },
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.configurations()),
      auth: 'edgegrid',
      takesQuery: true,
      handle: (ctx) => ({ status: 200, body: store.listConfigurations(parseQuery(ctx, PageQuerySchema)) }),
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.configuration(ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => ({ status: 200, body: store.getConfiguration(configId(params)) }),
    },
    {
      method: 'PATCH',
      pattern: routeOf(ApiPaths.configuration(ID)),
      auth: 'edgegrid',
      handle: (ctx, params) => {
        const id = configId(params);
        const patch = parseBody(ctx, UpdateConnectionConfigurationRequestSchema);
        return { status: 200, body: store.updateConfiguration(id, patch) };
      },
    },
    {
      method: 'DELETE',
      pattern: routeOf(ApiPaths.configuration(ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => {
        store.deleteConfiguration(configId(params));
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.tokens(ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => ({ status: 200, body: store.listTokens(configId(params)) }),
    },
    {
      method: 'POST',
      pattern: routeOf(ApiPaths.tokens(ID)),
      auth: 'edgegrid',
      handle: (ctx, params) => {
        const id = configId(params);
        parseBody(ctx, EmptyBodySchema);
        const { result, replayed } = store.generateToken(id, idempotencyKeyOf(ctx));
        return { status: 201, body: result, headers: replayHeaders(replayed) };
      },
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.token(ID, ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => ({ status: 200, body: store.getToken(configId(params), tokenId(params)) }),
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.tokenValue(ID, ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => ({ status: 200, body: store.getTokenValue(configId(params), tokenId(params)) }),
    },
    {
      method: 'POST',
      pattern: routeOf(ApiPaths.revokeToken(ID, ID)),
      auth: 'edgegrid',
      handle: (ctx, params) => {
        const ids = [configId(params), tokenId(params)] as const;
        parseBody(ctx, EmptyBodySchema);
        return { status: 200, body: store.revokeToken(...ids) };
      },
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.instances(ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => ({ status: 200, body: store.listInstances(configId(params)) }),
    },
    {
      method: 'GET',
      pattern: routeOf(ApiPaths.activity(ID)),
      auth: 'edgegrid',
      handle: (_ctx, params) => ({ status: 200, body: store.listActivity(configId(params)) }),
    },
    {
      method: 'POST',
      pattern: routeOf(ApiPaths.heartbeat()),
      auth: 'bearer',
      handle: (ctx) => {
        // Authenticate before looking at the body: an unauthenticated caller learns nothing.
        const token = store.authenticateInstance(bearerTokenOf(ctx));
        return { status: 200, body: store.recordHeartbeat(token, parseBody(ctx, HeartbeatRequestSchema)) };
      },
    },
  ];
}

function idempotencyKeyOf(ctx: RequestContext): string | undefined {
  const raw = headerValue(ctx, IDEMPOTENCY_KEY_HEADER);
  if (raw === undefined) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(raw);
  if (!parsed.success) throw Problems.validation(fieldErrorsOf(parsed.error, IDEMPOTENCY_KEY_HEADER), 'The Idempotency-Key header');
  return parsed.data;
}

function bearerTokenOf(ctx: RequestContext): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(ctx, 'authorization') ?? '');
  return m ? m[1] : undefined;
}

function replayHeaders(replayed: boolean): Record<string, string> {
  return replayed ? { 'Idempotent-Replayed': 'true' } : {};
}
