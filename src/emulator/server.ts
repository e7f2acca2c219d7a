/**
 * The HTTP side: checks the request's Host and Content-Type, applies faults (product API only),
 * authenticates, runs the route's synchronous handler, persists any change of a configuration or
 * token BEFORE answering (heartbeats: within a short interval), then answers or (fault) drops
 * the connection. One log line per request on the logger: method, path, status (`dropped` when
 * a fault cut it, `aborted` when the client went away), time.
 */
import * as http from 'node:http';
import { API_BASE_PATH, PROBLEM_CONTENT_TYPE } from '../api/schemas';
import { CONTROL_BASE_PATH } from './control-schemas';
import { controlRoutes, type RequestCounters } from './control';
import type { EdgeGridVerifier } from './edgegrid-verify';
import type { FaultDecision, FaultInjector } from './faults';
import type { SnapshotWriter } from './persistence';
import { ApiProblem, Problems } from './problems';
import { displayPath } from './display-path';
import { checkContentType, checkHost } from './request-guards';
import { productRoutes } from './routes';
import { matchRoute, refuseQuery, type RequestContext, type RouteResult } from './routing';
import type { EmulatorStore } from './store';

/** Larger bodies are refused; no request of the contract comes near this. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface EmulatorServerOptions {
  store: EmulatorStore;
  verifier: EdgeGridVerifier;
  faults: FaultInjector;
  /** Absent: state lives in memory only. */
  writer?: SnapshotWriter;
  log: (line: string) => void;
}

type Outcome = { kind: 'answer'; status: number; body?: unknown; headers?: Record<string, string> } | { kind: 'drop' };

/** The client closed the connection before the request was read. */
class ClientAborted extends Error {}

export function createEmulatorServer(options: EmulatorServerOptions): http.Server {
  const { store, verifier, faults, writer, log } = options;
  const counters: RequestCounters = { productRequests: 0, productRequestsByMethod: {} };
  const routes = [...productRoutes(store), ...controlRoutes(store, faults, counters)];
  // Cuts injected latency short once the server closes: a pending wait (up to a minute) would
  // otherwise keep a stopped emulator's process alive.
  const closed = new AbortController();

  async function handleRequest(req: http.IncomingMessage, pathname: string, query: URLSearchParams): Promise<Outcome> {
    const method = (req.method ?? 'GET').toUpperCase();
    const isProduct = pathname === API_BASE_PATH || pathname.startsWith(`${API_BASE_PATH}/`);
    const isControl = pathname === CONTROL_BASE_PATH || pathname.startsWith(`${CONTROL_BASE_PATH}/`);
    checkHost(req.headers.host, req.socket.localPort ?? 0);
    checkContentType(method, req.headers);

    let fault: FaultDecision | undefined;
    if (isProduct) {
      counters.productRequests += 1;
      counters.productRequestsByMethod[method] = (counters.productRequestsByMethod[method] ?? 0) + 1;
      fault = faults.decide(method, pathname);
      if (fault.latencyMs > 0) await sleep(fault.latencyMs, closed.signal);
      if (closed.signal.aborted) return { kind: 'drop' };
      if (fault.reject === 503) throw Problems.serviceUnavailable();
      if (fault.reject === 429) throw Problems.rateLimited(fault.retryAfterSeconds);
    }

    const body = await readBody(req);
    const match = isProduct || isControl ? matchRoute(routes, method, pathname) : undefined;
    if (!match) throw Problems.notFound(`There is no endpoint at ${displayPath(pathname)}.`);
    if ('allowed' in match) throw Problems.methodNotAllowed(method, match.allowed);

    const ctx: RequestContext = { method, pathname, query, headers: req.headers, body };
    if (!match.route.takesQuery) refuseQuery(ctx);
    if (match.route.auth === 'edgegrid') {
      verifier.verify({
        method,
        scheme: 'http',
        host: req.headers.host,
        pathAndQuery: req.url ?? pathname,
        authorization: req.headers.authorization,
        body,
      });
    }

    // The handler is synchronous: the rule check and the change it guards happen together.
    const revisionBefore = store.revision;
    const heartbeatRevisionBefore = store.heartbeatRevision;
    let result: RouteResult | undefined;
    let problem: Error | undefined;
    try {
      result = match.route.handle(ctx, match.params);
    } catch (error) {
      problem = error instanceof Error ? error : new Error(String(error));
    }
    const committed = store.revision !== revisionBefore;
    const heartbeatCommitted = store.heartbeatRevision !== heartbeatRevisionBefore;
    if (writer) {
      try {
        if (committed) await writer.save();
        // A heartbeat's change may be lost in a crash (the instance beats again), so it does not
        // wait for the disk; unless writes are failing, when it must not pretend all is well.
        else if (heartbeatCommitted && !writer.failing) writer.saveSoon();
        // Without a change of its own, this answer may still show another request's change (e.g.
        // the idempotent replay of a token generated a moment ago, or whose write failed): never
        // show state that is not on disk yet.
        else await writer.flush();
      } catch (error) {
        log(`state could not be saved: ${(error as Error).message}`);
        throw Problems.internal('The state could not be saved; retry the request.');
      }
    }
    if (problem !== undefined) throw problem;
    if (!result) throw Problems.internal('The request produced no answer.');
    if (fault && (committed || heartbeatCommitted) && result.status < 300 && faults.takeDrop(fault)) return { kind: 'drop' };
    if (fault && committed && fault.holdAfterCommitMs > 0) await sleep(fault.holdAfterCommitMs, closed.signal);
    return { kind: 'answer', ...result };
  }

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const url = parseRequestTarget(req.url);
    const shownPath = displayPath(url.pathname);
    const finish = (status: number | 'dropped' | 'aborted') => log(`${req.method} ${shownPath} ${status} ${Math.round(performance.now() - started)}ms`);

    handleRequest(req, url.pathname, url.searchParams)
      .then((outcome) => {
        if (outcome.kind === 'drop') {
          req.socket.destroy();
          finish('dropped');
          return;
        }
        // Gone while we waited (latency, the disk): whatever was done stays done, nobody hears it.
        if (res.destroyed) return finish('aborted');
        sendJson(res, outcome.status, outcome.body, outcome.headers);
        finish(outcome.status);
      })
      .catch((error: unknown) => {
        // A client that hangs up is no failure of ours: no 500, no "internal error" in the log.
        if (error instanceof ClientAborted || res.destroyed) return finish('aborted');
        const problem = error instanceof ApiProblem ? error : unexpected(error, log);
        sendProblem(res, problem, shownPath);
        finish(problem.status);
      });
  });
  server.once('close', () => closed.abort());
  return server;
}

/** A request target that is not a URL path (rare, hostile) must not crash the server. */
function parseRequestTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://emulator.invalid');
  } catch {
    return new URL('/', 'http://emulator.invalid');
  }
}

function unexpected(error: unknown, log: (line: string) => void): ApiProblem {
  log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  return Problems.internal('The emulator failed to handle the request.');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Answers may carry token values: never cache them.
  const common = { 'Cache-Control': 'no-store', ...headers };
  if (body === undefined) {
    res.writeHead(status, common).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...common, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function sendProblem(res: http.ServerResponse, problem: ApiProblem, instance: string): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(problem.toBody(instance));
  res
    .writeHead(problem.status, {
      'Cache-Control': 'no-store',
      ...problem.headers,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(Problems.payloadTooLarge(MAX_BODY_BYTES)) : resolve(Buffer.concat(chunks))));
    // The only way reading a request fails is the connection closing under it.
    req.on('error', () => reject(new ClientAborted()));
    req.on('close', () => {
      if (!req.complete) reject(new ClientAborted());
    });
  });
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
