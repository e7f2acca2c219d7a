/** A minimal router: each route is a method, a path pattern and a synchronous handler. */
import type { IncomingHttpHeaders } from 'node:http';
import type * as z from 'zod';
import { Problems, fieldErrorsOf, namesOf } from './problems';

export interface RequestContext {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RouteResult {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** How a route authenticates: EdgeGrid signature, the instance's bearer token, or not at all. */
type RouteAuth = 'edgegrid' | 'bearer' | 'none';

export interface Route {
  method: string;
  pattern: RegExp;
  auth: RouteAuth;
  /** Whether the route reads query parameters (with `parseQuery`); any query is refused otherwise. */
  takesQuery?: boolean;
  /** Synchronous on purpose: a rule check and its change must not be split by an await. */
  handle: (ctx: RequestContext, params: string[]) => RouteResult;
}

export type RouteMatch = { route: Route; params: string[] } | { allowed: string[] } | undefined;

export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    if (route.method === method) {
      return { route, params: m.slice(1).map(decodeSegment) };
    }
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Parses and validates a JSON body; an empty body counts as `{}`-less `undefined`. */
export function parseBody<S extends z.ZodType>(ctx: RequestContext, schema: S): z.infer<S> {
  let raw: unknown;
  if (ctx.body.length > 0) {
    try {
      raw = JSON.parse(ctx.body.toString('utf8'));
    } catch {
      throw Problems.validation([{ path: '', message: 'the body is not valid JSON' }], 'The request body');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw Problems.validation(fieldErrorsOf(parsed.error), 'The request body');
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(ctx: RequestContext, schema: S): z.infer<S> {
  const repeated = [...new Set([...ctx.query.keys()].filter((key) => ctx.query.getAll(key).length > 1))];
  if (repeated.length > 0) {
    throw Problems.validation([{ path: 'query', message: `Each parameter may be given once; repeated: ${namesOf(repeated)}` }], 'The query string');
  }
  const parsed = schema.safeParse(Object.fromEntries(ctx.query));
  if (!parsed.success) throw Problems.validation(fieldErrorsOf(parsed.error, 'query'), 'The query string');
  return parsed.data;
}

/** For routes without query parameters: a misspelt or unexpected one is refused, not ignored. */
export function refuseQuery(ctx: RequestContext): void {
  const keys = [...new Set(ctx.query.keys())];
  if (keys.length === 0) return;
  throw Problems.validation([{ path: 'query', message: `This endpoint takes no query parameters; remove ${namesOf(keys)}` }], 'The query string');
}

export function parseParam<S extends z.ZodType>(value: string, name: string, schema: S): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw Problems.validation(fieldErrorsOf(parsed.error, name), 'The path');
  return parsed.data;
}

export function headerValue(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
