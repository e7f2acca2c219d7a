/**
 * The tokens Terraform manages, read from state: `terraform show -json` of a working directory
 * (works with any backend, pg included) or a state file (that JSON, or a raw `terraform.tfstate`).
 * Only ids, fingerprints and dates are kept: state holds token values, which never leave here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as z from 'zod';
import { UsageError } from '../errors';
import { terraformShowJson } from '../plan-summary/terraform-show';

export interface ManagedToken {
  /** The resource address, e.g. `protector_token.app`. */
  address: string;
  /** Where it was read (a directory or file), to name it in findings. */
  source: string;
  tokenId: string;
  configurationId: string;
  fingerprint?: string;
  createdAt?: string;
  rotateAfter?: string;
  /** The old token of a replacement whose revoke has not finished (Terraform's deposed object). */
  deposed: boolean;
}

const TokenAttributesSchema = z.looseObject({
  id: z.string(),
  connection_configuration_id: z.string(),
  fingerprint: z.string().nullish(),
  created_at: z.string().nullish(),
  rotate_after: z.string().nullish(),
});

/** A working directory (runs `terraform show -json` there) or a state JSON file. */
export async function readManagedTokens(location: string, showJson: typeof terraformShowJson = terraformShowJson): Promise<ManagedToken[]> {
  if (!existsSync(location)) {
    throw new UsageError('STATUS_USAGE', `--state ${location}: no such file or directory; pass a Terraform working directory or a state JSON file.`);
  }
  const text = statSync(location).isDirectory() ? await showJson(undefined, location) : readFileSync(location, 'utf8');
  return managedTokensOf(text, location);
}

function managedTokensOf(text: string, source: string): ManagedToken[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(
      'STATUS_USAGE',
      `--state ${source} is not JSON: pass a Terraform working directory, \`terraform show -json\` output or a terraform.tfstate file.`,
    );
  }
  const tokens: ManagedToken[] = [];
  const add = (address: string, attributes: unknown, deposed: boolean) => {
    const parsed = TokenAttributesSchema.safeParse(attributes);
    if (!parsed.success) return; // not yet created, or a shape this reader does not know: nothing to check
    const a = parsed.data;
    tokens.push({
      address,
      source,
      tokenId: a.id,
      configurationId: a.connection_configuration_id,
      deposed,
      ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
      ...(a.created_at ? { createdAt: a.created_at } : {}),
      ...(a.rotate_after ? { rotateAfter: a.rotate_after } : {}),
    });
  };
  const record = asRecord(data);
  if (isRecord(record.values)) {
    // `terraform show -json`: values.root_module.{resources, child_modules}.
    const visit = (module: unknown): void => {
      const m = asRecord(module);
      for (const resource of asArray(m.resources)) {
        const r = asRecord(resource);
        if (r.type === 'protector_token' && r.mode === 'managed' && typeof r.address === 'string') {
          add(r.address, r.values, typeof r.deposed_key === 'string');
        }
      }
      asArray(m.child_modules).forEach(visit);
    };
    visit(record.values.root_module);
  } else if (Array.isArray(record.resources)) {
    // A raw terraform.tfstate (version 4).
    for (const resource of record.resources) {
      const r = asRecord(resource);
      if (r.type !== 'protector_token' || r.mode !== 'managed') continue;
      const base = `${typeof r.module === 'string' ? `${r.module}.` : ''}protector_token.${String(r.name)}`;
      for (const instance of asArray(r.instances)) {
        const i = asRecord(instance);
        const key = i.index_key === undefined ? '' : typeof i.index_key === 'number' ? `[${i.index_key}]` : `[${JSON.stringify(i.index_key)}]`;
        add(`${base}${key}`, i.attributes, typeof i.deposed === 'string');
      }
    }
  } else if (!('format_version' in record)) {
    throw new UsageError('STATUS_USAGE', `--state ${source} is neither \`terraform show -json\` output nor a terraform.tfstate file.`);
  }
  return tokens;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
