/** `npm run build:provider`: builds dist/provider/terraform-provider-protector (see src/provider/bundle.ts). */
import { buildProvider } from '../src/provider/bundle';

buildProvider().then(
  (result) => process.stdout.write(`built ${result.path} (v${result.version}, ${(result.bytes / 1024).toFixed(0)} KiB) in ${result.millis} ms\n`),
  (error: unknown) => {
    process.stderr.write(`build:provider failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
