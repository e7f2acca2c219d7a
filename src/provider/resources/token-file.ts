/**
 * `protector_token_file`: writes a token to a file, for hosts whose Protector reads its token from
 * a file (and for local runs). The provider fetches the value itself and writes it atomically; the
 * state keeps only the token's fingerprint and the file's SHA-256, never the value. A file changed
 * or removed outside Terraform shows up as a difference in `content_sha256` and is rewritten.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { HandlerContext, ModelOf, ObjectSchema, PlanRequest, UnknownValue } from '../provider-deps';
import { defineResource, Unknown } from '../provider-deps';
import { validator } from '../framework/validators';
import { connectionConfigurationId, tokenId } from '../validators';
import { filePermissionProblem, warnOnReadableTokenFile } from './file-permission';
import { pseudoFileSystemOf } from '../fs/file-system-errors';
import { untilStopped } from './stoppable';
import { inspectFile, removeFile, writeFileAtomically } from './token-file-writer';

export const TOKEN_FILE_TYPE = 'protector_token_file';
export const DEFAULT_FILE_PERMISSION = '0600';

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const schema = {
  attributes: {
    id: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'The absolute path of the file.',
    },
    connection_configuration_id: {
      type: 'string',
      required: true,
      description: 'The connection configuration the token belongs to.',
      validate: connectionConfigurationId,
    },
    token_id: {
      type: 'string',
      required: true,
      description: 'The token to write, usually `protector_token.NAME.id`. When it changes (a rotation), the file is rewritten in place with the new token.',
      validate: tokenId,
    },
    path: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description:
        'Absolute path of the file, such as `/etc/protector/token`. Missing parent directories are created (mode 0700). Changing it removes the old file and writes the new one.',
      validate: validator('an absolute file path', (value) => (typeof value === 'string' ? pathProblem(value) : undefined)),
    },
    file_permission: {
      type: 'string',
      optional: true,
      computed: true,
      default: DEFAULT_FILE_PERMISSION,
      description:
        'Permission bits of the file in octal, such as `"0600"` or `"0640"`; the owner must be able to read it, and group and other users must not be able to write it (read access for them gets a warning). A permission changed outside Terraform is set back. Defaults to `"0600"`.',
      validate: validator('readable by the owner, writable by nobody else', (value) => (typeof value === 'string' ? filePermissionProblem(value) : undefined)),
    },
    fingerprint: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'Fingerprint of the token in the file (`sha256:` and 12 hex digits), to tell tokens apart in logs and plans.',
    },
    content_sha256: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      nullable: true,
      description:
        "SHA-256 (hex) of the file as found on the last refresh; null when the file is missing. It differs from the token's hash when the file was changed outside Terraform, and the file is then rewritten.",
    },
  },
} as const satisfies ObjectSchema;

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

/** Rewrites when the token changes or the file no longer holds it (tampered with, or missing). */
function modifyPlan(request: PlanRequest<TokenFileModel>, ctx: HandlerContext): void {
  const { prior, planned } = request;
  if (prior === null) return;
  if (planned.token_id !== prior.token_id) {
    planned.fingerprint = Unknown;
    planned.content_sha256 = Unknown;
    return;
  }
  if (!holdsToken(prior.content_sha256, prior.fingerprint)) {
    ctx.log.info('token file differs from its token; planning a rewrite', { path: prior.path, token_id: prior.token_id });
    planned.content_sha256 = Unknown;
  }
}

// ---------------------------------------------------------------------------------------------
// Create, read, update, delete
// ---------------------------------------------------------------------------------------------

async function create(planned: TokenFileModel, ctx: HandlerContext): Promise<TokenFileModel> {
  return writeTokenFile(planned, ctx);
}

async function read(state: TokenFileModel, ctx: HandlerContext): Promise<TokenFileModel | null> {
  const found = await inspect(state.path);
  if (found === undefined) {
    ctx.log.info('token file is missing; the next apply writes it again', { path: state.path });
    return { ...state, content_sha256: null };
  }
  return { ...state, content_sha256: found.sha256, file_permission: found.permission };
}

async function update(_prior: TokenFileModel, planned: TokenFileModel, ctx: HandlerContext): Promise<TokenFileModel> {
  return writeTokenFile(planned, ctx);
}

async function destroy(state: TokenFileModel, ctx: HandlerContext): Promise<void> {
  if (await removeFile(state.path)) ctx.log.info('removed token file', { path: state.path });
}

// ---------------------------------------------------------------------------------------------
// State model
// ---------------------------------------------------------------------------------------------

export type TokenFileModel = ModelOf<typeof schema>;

export const tokenFileResource = defineResource<TokenFileModel>({
  typeName: TOKEN_FILE_TYPE,
  description:
    'Writes a token to a file on the machine running Terraform, for hosts whose Protector reads its token from a file ' +
    '(and for local runs). The provider fetches the token value itself and writes the file atomically (a temporary ' +
    'file renamed into place), so a reader never sees a half-written token. The state keeps only a hash, never the ' +
    'value; a file changed or removed outside Terraform is rewritten on the next apply.',
  schema,
  validateConfig: warnOnReadableTokenFile,
  modifyPlan,
  create,
  read,
  update,
  delete: destroy,
});

// ---------------------------------------------------------------------------------------------
// Pure helpers (and the file operations they support)
// ---------------------------------------------------------------------------------------------

async function writeTokenFile(planned: TokenFileModel, ctx: HandlerContext): Promise<TokenFileModel> {
  const fetching = ctx.deps.api.getTokenValue(planned.connection_configuration_id, planned.token_id);
  const { value, fingerprint } = await untilStopped(fetching, ctx.signal, 'was fetching the token value to write the token file');
  await writeFileAtomically(planned.path, value, parseInt(planned.file_permission, 8), ctx.signal);
  ctx.log.info('wrote token file', { path: planned.path, token_id: planned.token_id, fingerprint });
  return { ...planned, id: planned.path, fingerprint, content_sha256: sha256Hex(value) };
}

function inspect(file: string): Promise<{ sha256: string; permission: string } | undefined> {
  return inspectFile(file, sha256Hex);
}

/**
 * A fingerprint is the first 12 hex digits of the value's SHA-256, so a file holding exactly the
 * value has a content hash that starts with them; no value is needed to check.
 */
export function holdsToken(contentSha256: string | null | UnknownValue, fingerprint: string | UnknownValue): boolean {
  if (typeof contentSha256 !== 'string' || typeof fingerprint !== 'string') return false;
  return contentSha256.startsWith(fingerprint.replace(/^sha256:/, ''));
}

function sha256Hex(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function pathProblem(value: string): string | undefined {
  if (!path.isAbsolute(value)) return `expected an absolute path such as "/etc/protector/token", got ${JSON.stringify(value)}`;
  if (value.endsWith('/')) return `expected a file path, not a directory, got ${JSON.stringify(value)}`;
  if (value.includes('\u0000')) return `expected a path without NUL characters, got ${JSON.stringify(value)}`;
  const pseudo = pseudoFileSystemOf(path.resolve(value));
  if (pseudo) return `expected a file on a regular file system (${pseudo} is a kernel file system where no file can be created), got ${JSON.stringify(value)}`;
  return undefined;
}
