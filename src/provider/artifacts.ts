/**
 * Where the built provider lives inside the package. Kept apart from bundle.ts so that reading a
 * path loads no build tool (the published package has no esbuild or protobufjs).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root';

/** The provider bundled into one file with a `node` shebang (`npm run build:provider`). */
export const PROVIDER_BUNDLE = join(PACKAGE_ROOT, 'dist', 'provider', 'terraform-provider-protector');
