/**
 * A test double of a third-party web server that is NOT the token API (a static file server, a
 * proxy's error page, another service's API): every request gets a 404 whose body depends on the
 * path, the way `python3 -m http.server` or a misconfigured gateway would answer. It lets tests
 * point the client or the provider's `endpoint` at the wrong server. Never shipped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForeignServer {
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** The 404 flavours, chosen by a marker anywhere in the request path. */
function answer(path: string): { contentType?: string; body: string } {
  if (path.includes('empty')) return { body: '' };
  if (path.includes('json')) return { contentType: 'application/json', body: '{"error":"Not Found"}' };
  if (path.includes('blank')) {
    return { contentType: 'application/problem+json', body: '{"type":"about:blank","title":"Not Found","status":404}' };
  }
  return {
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html><html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: 404</p></body></html>',
  };
}

export async function startForeignServer(): Promise<ForeignServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    req.resume();
    const { contentType, body } = answer(req.url ?? '');
    res.writeHead(404, contentType ? { 'Content-Type': contentType } : {});
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
