import type { Construct } from 'constructs';
import * as path from 'node:path';
import { TokenFile } from './.gen/providers/protector/token-file';
import { DeploymentType } from './deployment-type';
import { invalidProp } from './errors';
import { idFragment, type IRegistrationTarget, type RegistrationContext } from './registration-target';
import { claimTokenFilePath } from './registration-wiring';

/** Props of {@link TokenFileTarget}. */
export interface TokenFileTargetProps {
  /** Absolute path of the file the reverse-proxy Protector reads its token from. */
  readonly path: string;
  /**
   * The file's permission bits, in octal.
   * @default "0600"
   */
  readonly filePermission?: string;
  /**
   * A short name for this registration (letters, digits, `-`, `_`), used in the construct id and
   * so in resource addresses and plan summaries, e.g. `"vm-1"`. Unique within a connection.
   * @default - derived from `path`
   */
  readonly name?: string;
}

/**
 * Registers the token in a file (`protector_token_file`): the provider writes it atomically on the
 * machine that runs Terraform and keeps only a hash in state. Reverse-proxy deployment type only.
 */
export class TokenFileTarget implements IRegistrationTarget {
  /** Always `DeploymentType.REVERSE_PROXY`. */
  public readonly deploymentType = DeploymentType.REVERSE_PROXY;
  /** `TokenFile-<name>`, or `TokenFile-<path>` without a `name`. */
  public readonly id: string;
  /** `token file <path>`. */
  public readonly description: string;
  /** The file's path. */
  public readonly path: string;
  /** The file's permission bits (four octal digits). */
  public readonly filePermission: string;

  constructor(props: TokenFileTargetProps) {
    const owner = 'TokenFileTarget';
    const { path: file, filePermission = '0600', name } = props ?? ({} as TokenFileTargetProps);
    if (typeof file !== 'string' || !path.isAbsolute(file) || file.endsWith('/')) {
      throw invalidProp(owner, 'path', file, 'must be an absolute file path such as "/etc/protector/token"');
    }
    if (typeof filePermission !== 'string' || !/^0?[0-7]{3}$/.test(filePermission)) {
      throw invalidProp(owner, 'filePermission', filePermission, 'must be octal permission bits such as "0600" or "0640"');
    }
    if ((parseInt(filePermission, 8) & 0o400) === 0) {
      throw invalidProp(owner, 'filePermission', filePermission, 'must let the owner read the file (such as "0600"), or Protector cannot read its token');
    }
    if ((parseInt(filePermission, 8) & 0o022) !== 0) {
      throw invalidProp(
        owner,
        'filePermission',
        filePermission,
        'must not let group or other users write the file, or they could replace the token (use "0600", or "0640" for a group that only reads)',
      );
    }
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name))) {
      throw invalidProp(owner, 'name', name, 'must be 1 to 64 letters, digits, "-" or "_", such as "vm-1"');
    }
    this.path = path.normalize(file);
    this.filePermission = filePermission.padStart(4, '0');
    this.id = `TokenFile-${name ?? idFragment(this.path)}`;
    this.description = `token file ${this.path}`;
  }

  public bind(scope: Construct, context: RegistrationContext): void {
    claimTokenFilePath(scope, this.path);
    new TokenFile(scope, 'TokenFile', {
      provider: context.protectorProvider,
      connectionConfigurationId: context.connectionConfigurationId,
      tokenId: context.tokenId,
      path: this.path,
      filePermission: this.filePermission,
    });
  }
}
