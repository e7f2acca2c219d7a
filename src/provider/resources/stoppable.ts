/**
 * StopProvider (Ctrl-C) aborts every handler's `ctx.signal`. Waits that do not take a signal
 * themselves (an API call, a file write) are raced against it here, so a stop ends the RPC at once
 * with an error saying what was interrupted, instead of Terraform waiting for ever.
 */
import { ExternalError } from '../../errors';

export class StoppedByTerraformError extends ExternalError {
  constructor(what: string) {
    super('STOPPED_BY_TERRAFORM', `Terraform was interrupted while the provider ${what}. Nothing was left half-done; run terraform apply again to finish.`);
  }
}

/** Throws a StoppedByTerraformError if the stop signal is aborted. */
export function throwIfStopped(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new StoppedByTerraformError(what);
}

/** Resolves like `work`, or rejects with a StoppedByTerraformError as soon as `signal` aborts. */
export function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => undefined); // abandoned: its outcome no longer matters
    return Promise.reject(new StoppedByTerraformError(what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StoppedByTerraformError(what));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
