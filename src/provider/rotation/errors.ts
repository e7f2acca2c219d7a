/**
 * The errors the token rotation engine raises itself (the API client's errors cover the rest). Each says
 * what happened, why, and what to do; none carries a token value (ids and fingerprints only).
 */
import type { Instance, Token } from '../../api/schemas';
import { ExternalError, UsageError } from '../../errors';
import { ageOf, formatDuration } from '../../api/duration';
import { RECENTLY_SEEN_RULE } from './drain-progress';

/** A new token is needed but the configuration already has the 2 active tokens the API allows. */
export class TokenCapReachedError extends UsageError {
  /** `initialInUse`: the configuration's initial token is one of them, kept active by these instances. */
  constructor(configId: string, active: readonly Token[], now: Date, initialInUse?: { tokenId: string; users: readonly Instance[] }) {
    const listed = active.map((token) => `${token.tokenId} (${token.fingerprint}, ${ageOf(token.createdAt, now)} old)`).join(' and ');
    const initial = initialInUse
      ? `${initialInUse.tokenId} is the token generated with the configuration, still used by ` +
        `${initialInUse.users.map((i) => i.instanceId).join(', ')}: protector_token revokes it as soon as no recently ` +
        'seen instance uses it. Move those instances to the other token (protector_token.NAME.value), then apply again. '
      : '';
    super(
      'TOKEN_CAP_REACHED',
      `Connection configuration ${configId} already has 2 active tokens, the most the API allows: ${listed}. ` +
        'A new token cannot be generated until one of them is revoked, and protector_token never revokes a token it ' +
        `does not manage. ${initial}To proceed: if one of them belongs to another protector_token, let that rotation finish ` +
        '(terraform apply) first; otherwise check which one no Protector instance uses (data source ' +
        'protector_instances), revoke it in Control Center, and apply again. To manage an existing token instead, ' +
        `import it: terraform import protector_token.NAME ${configId}/TOKEN_ID.`,
    );
  }
}

/** Instances still authenticate with the old token when the drain timeout runs out. */
export class DrainTimeoutError extends ExternalError {
  constructor(token: { tokenId: string; fingerprint: string }, instances: readonly Instance[], waitedMs: number) {
    const listed = instances.map((i) => `${i.instanceId} (version ${i.version}, last heartbeat ${i.lastHeartbeatAt})`).join(', ');
    super(
      'DRAIN_TIMEOUT',
      `Token ${token.tokenId} (${token.fingerprint}) was not revoked: after ${formatDuration(waitedMs)} these ` +
        `instances still authenticate with it: ${listed}. The old token stays active, so they keep working. ` +
        'Make them load the new token (check data source protector_instances), then run terraform apply again to ' +
        `finish the revoke. ${RECENTLY_SEEN_RULE} A longer drain_timeout waits more; require_drain = false revokes without waiting.`,
    );
  }
}

/** Terraform was interrupted (Ctrl-C, StopProvider) while the revoke waited for the drain. */
export class DrainCancelledError extends ExternalError {
  constructor(token: { tokenId: string; fingerprint: string }, instances: readonly Instance[], waitedMs: number) {
    const still = instances.length > 0 ? ` ${instances.map((i) => i.instanceId).join(', ')} still authenticated with it.` : '';
    super(
      'DRAIN_CANCELLED',
      `Token ${token.tokenId} (${token.fingerprint}) was not revoked: Terraform was interrupted after ${formatDuration(waitedMs)} ` +
        `of waiting for instances to move to the new token.${still} The old token stays active, so they keep working. ` +
        'Run terraform apply again to finish the revoke.',
    );
  }
}

/** A replacement without create_before_destroy would have to revoke the only active token first. */
export class CreateBeforeDestroyRequiredError extends UsageError {
  constructor(token: { tokenId: string; fingerprint: string }, configId: string) {
    super(
      'CREATE_BEFORE_DESTROY_REQUIRED',
      `Token ${token.tokenId} (${token.fingerprint}) is the only active token of ${configId}, and the API refuses to ` +
        'revoke the last active token, so it cannot be replaced destroy-first. Add ' +
        '`lifecycle { create_before_destroy = true }` to the protector_token resource: the new token is then ' +
        'created and registered before the old one is revoked, with no moment without a valid token.',
    );
  }
}
