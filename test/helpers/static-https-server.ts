/**
 * A plain static file server over HTTPS on loopback, standing in for the web server a team hosts
 * provider files on (nginx, Apache, S3 or GitHub Pages with their defaults): GET and HEAD of
 * files only, the Content-Type from the file's extension (`.json` application/json, `.zip`
 * application/zip, anything else application/octet-stream), no directory index, no redirects, no
 * rewriting. Its certificate is signed by a test CA that Terraform trusts through SSL_CERT_FILE.
 * Test-only.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.zip': 'application/zip' };

export interface TestCertificates {
  /** The CA's certificate: what SSL_CERT_FILE points at. */
  ca: string;
  key: string;
  cert: string;
}

/** A CA, and a certificate for 127.0.0.1 and localhost signed by it, made with openssl in `dir`. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => path.join(dir, name);
  fs.writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const steps = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=cdktf-protector test CA'],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost'],
    [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.pem'),
      '-days',
      '1',
      '-extfile',
      file('san.ext'),
    ],
  ];
  for (const args of steps) await execFileAsync('openssl', args, { timeout: 60_000 });
  return { ca: file('ca.pem'), key: file('server.key'), cert: file('server.pem') };
}

export interface StaticHttpsServer {
  /** `https://localhost:PORT/`, serving `root`. */
  url: string;
  port: number;
  /** `METHOD /path status`, in the order served. */
  requests: string[];
  close(): Promise<void>;
}

export async function serveStaticHttps(root: string, tls: TestCertificates): Promise<StaticHttpsServer> {
  const requests: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(tls.key), cert: fs.readFileSync(tls.cert) }, (request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'https://localhost').pathname);
    const file = path.join(root, path.normalize(urlPath));
    const served = (request.method === 'GET' || request.method === 'HEAD') && file.startsWith(root + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
    requests.push(`${request.method} ${urlPath} ${served ? 200 : 404}`);
    if (!served) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(request.method === 'HEAD' ? undefined : fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}/`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
