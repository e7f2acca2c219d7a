/**
 * Terraform normally ends its providers through GRPCController.Shutdown. When Terraform itself is
 * killed (SIGKILL, a CI runner cancelling a job), nothing does: the provider would live on as an
 * orphan, holding its socket and maybe a drain loop. Once reparented, nobody can use our answers,
 * and every API call we make is safe to repeat on the next run, so exiting is the right move.
 */
const CHECK_INTERVAL_MS = 1000;

export function exitWhenParentGoes(onParentGone: () => void, parentPid: number = process.ppid): void {
  const timer = setInterval(() => {
    if (process.ppid !== parentPid) {
      clearInterval(timer);
      onParentGone();
    }
  }, CHECK_INTERVAL_MS);
  // The watch must never be what keeps the process alive.
  timer.unref();
}
