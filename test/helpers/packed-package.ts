/**
 * The package as a user gets it: packed from a clean copy of the repository (its tracked and
 * untracked-but-not-ignored files, so no stale build output rides along), then installed into a
 * fresh project with `npm ci --offline`. The fresh project's lock file is cut out of this
 * repository's lock (the same versions `npm ci` already put into the npm cache), so installing
 * needs no registry: npm's cache holds tarballs by integrity, not the registry metadata a plain
 * `npm install` resolves ranges with.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = path.resolve(__dirname, '..', '..');
const STEP_TIMEOUT_MS = 300_000;

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  inBundle?: boolean;
  [key: string]: unknown;
}

interface Lock {
  name: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** Copies the repository's sources to `dir` (node_modules linked, not copied) and runs `npm pack` there. */
export async function packFromCleanCopy(dir: string): Promise<string> {
  const copy = path.join(dir, 'clone');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    const from = path.join(REPO, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(from, path.join(copy, file));
    fs.chmodSync(path.join(copy, file), fs.statSync(from).mode);
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  // --foreground-scripts: prepack's build output goes to stderr-free logs, not interleaved with the file name.
  await run('npm', ['pack', '--pack-destination', dir, '--no-audit', '--no-fund'], { cwd: copy, timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const tarball = fs.readdirSync(dir).find((name) => /^cdktf-protector-.*\.tgz$/.test(name));
  if (!tarball) throw new Error(`npm pack left no cdktf-protector-*.tgz in ${dir}`);
  return path.join(dir, tarball);
}

/** Resolves `name` from the package at `from` the way Node does: nearest node_modules first. */
function resolveInLock(packages: Lock['packages'], from: string, name: string): string | undefined {
  for (let base = from; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
  }
}

/** The lock entries of `roots` and everything they depend on, as a fresh project's production dependencies. */
function closure(packages: Lock['packages'], roots: readonly string[]): Record<string, LockEntry> {
  const picked = new Map<string, LockEntry>();
  const visit = (key: string): void => {
    if (picked.has(key)) return;
    const entry = packages[key];
    picked.set(key, entry);
    const optionalPeers = new Set(
      Object.entries(entry.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional)
        .map(([name]) => name),
    );
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name)),
    ];
    for (const name of wanted) {
      const found = resolveInLock(packages, key, name);
      if (found) visit(found);
    }
  };
  for (const root of roots) visit(`node_modules/${root}`);
  const result: Record<string, LockEntry> = {};
  for (const [key, entry] of picked) {
    // In the fresh project these are production dependencies, whatever they were here.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
    result[key] = entry.devOptional ? { ...rest, optional: true } : rest;
  }
  return result;
}

/**
 * Writes a project that depends on the tarball and on `peers` (names of this repository's
 * dependencies, at the versions installed here), and installs it with `npm ci --offline`.
 */
export async function installOffline(project: string, tarball: string, peers: readonly string[]): Promise<void> {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as Lock;
  const manifest = JSON.parse(await extractFile(tarball, 'package/package.json')) as LockEntry & { name: string; version: string };
  fs.mkdirSync(project, { recursive: true });
  const relativeTarball = `file:${path.relative(project, tarball)}`;
  const dependencies: Record<string, string> = { [manifest.name]: relativeTarball };
  for (const peer of peers) dependencies[peer] = lock.packages[`node_modules/${peer}`].version as string;

  const packages: Record<string, LockEntry> = {
    '': { name: 'fresh-project', version: '1.0.0', dependencies },
    ...closure(lock.packages, [...Object.keys(manifest.dependencies ?? {}), ...peers]),
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: relativeTarball,
      integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      dependencies: manifest.dependencies,
      peerDependencies: manifest.peerDependencies,
      // Without it npm takes the optional AWS SDK peer for a required one and refuses the lock.
      peerDependenciesMeta: manifest.peerDependenciesMeta,
      bin: manifest.bin,
      engines: manifest.engines,
      license: manifest.license,
    },
  };
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true, dependencies }, null, 2));
  fs.writeFileSync(
    path.join(project, 'package-lock.json'),
    JSON.stringify({ name: 'fresh-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, timeout: STEP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

async function extractFile(tarball: string, member: string): Promise<string> {
  const { stdout } = await run('tar', ['-xzOf', tarball, member], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Every path in the tarball, without the leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
}
