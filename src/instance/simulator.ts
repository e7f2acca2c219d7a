/**
 * One simulated Protector instance: heartbeats with the token from its source (a file, or an AWS
 * Secrets Manager secret) at a fixed interval, picks up a new token as soon as the source has it,
 * and counts what happened.
 */
import { ApiError, DeploymentTypeMismatchError, UnauthorizedError } from '../api/errors';
import { fingerprintOf } from '../api/fingerprint';
import { sendHeartbeat } from '../api/heartbeat';
import type { InstanceOptions } from './options';
import { TokenFile } from './token-file';
import type { TokenSource, TokenSourceEvent } from './token-source';

/** The one JSON line printed on exit. */
export interface InstanceSummary {
  id: string;
  heartbeats: number;
  authFailures: number;
  /** Fingerprints of every token heartbeats were sent with, in order of first use. */
  tokensUsed: string[];
}

export class InstanceSimulator {
  readonly #options: InstanceOptions;
  readonly #log: (line: string) => void;
  readonly #source: TokenSource;
  #heartbeats = 0;
  #authFailures = 0;
  readonly #tokensUsed: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = false;

  /**
   * Without a `source`, reads `options.tokenFile` now: a missing or invalid file fails here, before
   * any heartbeat. A source opened elsewhere (AWS) reports its events through {@link eventLogger}.
   */
  constructor(options: InstanceOptions, log: (line: string) => void, source?: TokenSource) {
    this.#options = options;
    this.#log = (line) => log(`[instance ${options.instanceId}] ${line}`);
    if (source) this.#source = source;
    else if (options.tokenFile !== undefined) this.#source = new TokenFile(options.tokenFile, eventLogger(options, log));
    else throw new Error('InstanceSimulator needs a token source: options.tokenFile or an opened source');
  }

  start(): void {
    if (this.#options.follow) this.#source.watch();
    this.#log(
      `started: ${this.#options.deploymentType} instance, token ${this.#source.fingerprint}, ` +
        `heartbeat every ${this.#options.intervalMs}ms to ${this.#options.endpoint}` +
        (this.#options.follow ? '' : `; not following the ${this.#source.description} (--no-follow)`),
    );
    this.#beat();
  }

  /** Stops beating, lets a heartbeat in flight finish, and returns the summary. */
  async stop(): Promise<InstanceSummary> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
    this.#source.close();
    return this.summary();
  }

  summary(): InstanceSummary {
    return {
      id: this.#options.instanceId,
      heartbeats: this.#heartbeats,
      authFailures: this.#authFailures,
      tokensUsed: [...this.#tokensUsed],
    };
  }

  #beat(): void {
    if (this.#stopped) return;
    const started = Date.now();
    this.#inFlight = this.#heartbeatOnce().finally(() => {
      this.#inFlight = undefined;
      if (this.#stopped) return;
      // A fixed rhythm, never overlapping: a slow heartbeat shortens the pause after it.
      const wait = Math.max(0, this.#options.intervalMs - (Date.now() - started));
      this.#timer = setTimeout(() => this.#beat(), wait);
    });
  }

  async #heartbeatOnce(): Promise<void> {
    // A stuck instance keeps the token it started with, whatever happens to the file.
    const token = this.#options.follow ? this.#source.current() : this.#source.initial;
    const fingerprint = fingerprintOf(token);
    if (!this.#tokensUsed.includes(fingerprint)) this.#tokensUsed.push(fingerprint);
    try {
      await sendHeartbeat(
        this.#options.endpoint,
        token,
        { instanceId: this.#options.instanceId, deploymentType: this.#options.deploymentType, version: this.#options.version },
        { timeoutMs: Math.min(10_000, Math.max(1000, this.#options.intervalMs * 4)) },
      );
      this.#heartbeats += 1;
    } catch (error) {
      if (error instanceof UnauthorizedError || error instanceof DeploymentTypeMismatchError) {
        this.#authFailures += 1;
        const why = error instanceof UnauthorizedError ? 'token unknown or revoked' : 'token is for another deployment type';
        this.#log(`authentication failed with token ${fingerprint} (HTTP ${error.status}: ${why})`);
      } else if (error instanceof ApiError) {
        this.#log(`heartbeat failed: ${error.code}${error.status ? ` (HTTP ${error.status})` : ''}; trying again next interval`);
      } else {
        this.#log(`heartbeat failed unexpectedly: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
    }
  }
}

/** Logs a token source's events with the instance's prefix (fingerprints only). */
export function eventLogger(options: InstanceOptions, log: (line: string) => void): (event: TokenSourceEvent) => void {
  const where = options.tokenFile !== undefined ? 'token file' : 'AWS secret';
  const name = options.tokenFile ?? options.awsSecret?.secretId ?? '';
  return (event) => {
    if (event.kind === 'changed') log(`[instance ${options.instanceId}] ${where} changed: now using ${event.fingerprint}`);
    else log(`[instance ${options.instanceId}] ${where} ${name}: ${event.reason}; still using ${event.keptFingerprint}`);
  };
}
