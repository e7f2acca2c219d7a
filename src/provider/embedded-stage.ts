/**
 * Runs a stage of the provider that the bundler embedded as text (see ./bundle.ts).
 *
 * A script's every function is at least pre-parsed when the script loads, so the provider's 1.5 MB
 * would cost ~110 ms before the first line of stage 1 ran. Embedded as a string literal, stage 2
 * costs nothing until it is compiled here, after the handshake line is out. Inside the standalone
 * executable the compile itself is skipped: the build ships V8's code cache of stage 2 as an
 * asset of the single executable application (made by the same Node release, see ./executable.ts).
 */
import { Script } from 'node:vm';
import { HclogLogger, logLevelFromEnv } from './host/hclog-logger';

/** The CommonJS function wrapper: stage 2 is an esbuild CommonJS bundle that only requires Node built-ins. */
type StageFunction = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** The asset name of stage 2's code cache inside the standalone executable. */
export const STAGE_CODE_CACHE_ASSET = 'provider-stage2.v8-code-cache';

/** The exact text V8 compiles: the code cache is only accepted for the very same source. */
export function wrapStage(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/**
 * Called from the module the bundler puts in place of stage 1's `require('./serve')`.
 * @public
 */
export function runEmbeddedStage(source: string, filename: string, requireBuiltin: NodeJS.Require): unknown {
  const cachedData = codeCacheInsideExecutable();
  const script = new Script(wrapStage(source), { filename, cachedData });
  if (cachedData) reportCodeCache(script.cachedDataRejected === true);
  const module = { exports: {} };
  (script.runInThisContext() as StageFunction)(module.exports, requireBuiltin, module, filename, '.');
  return module.exports;
}

/** Stage 2's code cache when running as the standalone executable that carries one. */
function codeCacheInsideExecutable(): Buffer | undefined {
  try {
    const sea = require('node:sea') as typeof import('node:sea');
    return sea.isSea() ? Buffer.from(sea.getAsset(STAGE_CODE_CACHE_ASSET)) : undefined;
  } catch {
    return undefined; // a bundle run by plain Node, or an executable built without the cache: V8 compiles
  }
}

/** V8 rejects a cache made by another V8 build or with other flags; that costs start-up time, so it is worth a warning. */
function reportCodeCache(rejected: boolean): void {
  const log = new HclogLogger({ level: logLevelFromEnv(process.env), module: 'provider.protector' });
  if (rejected) log.warn('the code cache inside this executable was rejected by V8; compiling the provider instead (slower start)');
  else log.debug('provider code loaded from the code cache inside this executable');
}
