/**
 * Keeps the state in `<dataDir>/state.json` so that nothing the emulator acknowledged is lost,
 * even on `kill -9`: each snapshot is written atomically through an exclusive temporary file
 * (`atomic-file.ts`). For a change of a configuration or a token, the server awaits the write
 * before it answers. Heartbeats only ask for a write within {@link HEARTBEAT_PERSIST_INTERVAL_MS}:
 * thousands of them share one snapshot, and a crash loses at most that interval of heartbeats.
 */
import { promises as fs, readFileSync, existsSync, readdirSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from './atomic-file';
import { EmulatorStateSchema, type EmulatorState } from './state';

const STATE_FILE = 'state.json';
/** At most this much of heartbeats (instances' last-seen times) is lost on a crash. */
export const HEARTBEAT_PERSIST_INTERVAL_MS = 1000;

class StateFileError extends Error {}

/** Loads the last snapshot, or undefined when there is none yet. */
export function loadState(dataDir: string): EmulatorState | undefined {
  const file = path.join(dataDir, STATE_FILE);
  // Leftovers of a write interrupted by a crash: never renamed, so never acknowledged.
  for (const name of existsSync(dataDir) ? readdirSync(dataDir) : []) {
    if (name.startsWith(`${STATE_FILE}.tmp-`)) unlinkSync(path.join(dataDir, name));
  }
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StateFileError(`${file} is not valid JSON (${(error as Error).message}); move it away to start empty.`);
  }
  const parsed = EmulatorStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StateFileError(`${file} is not an emulator state file (${parsed.error.issues[0]?.message}); move it away to start empty.`);
  }
  return parsed.data;
}

/**
 * Writes snapshots one at a time. A `save()` resolves once a snapshot taken after the call has
 * reached the disk; calls made while a write is queued share that queued write.
 */
export class SnapshotWriter {
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  /** Set while a heartbeat's change waits for its coalesced write. */
  private soon: NodeJS.Timeout | undefined;
  /** From a failed write until a later one succeeds, memory holds changes the disk does not. */
  private unsaved = false;

  constructor(
    private readonly dataDir: string,
    private readonly serialize: () => string,
    private readonly coalesceMs = HEARTBEAT_PERSIST_INTERVAL_MS,
  ) {}

  /** True from a failed write until a later one succeeds. */
  get failing(): boolean {
    return this.unsaved;
  }

  save(): Promise<void> {
    // The write queued below serializes later than now: it carries any heartbeat waiting too.
    this.cancelSoon();
    if (this.queued) return this.queued;
    const next = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.writeNow(this.serialize());
      })
      .then(
        () => {
          this.unsaved = false;
        },
        (error: unknown) => {
          this.unsaved = true;
          throw error;
        },
      );
    this.queued = next;
    this.running = next;
    return next;
  }

  /**
   * Asks for a write within the coalescing interval, without waiting for it. A failure shows up
   * as `failing`, so the next request writes again before it answers.
   */
  saveSoon(): void {
    if (this.soon || this.queued) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.save().catch(() => undefined);
    }, this.coalesceMs);
    // A pending heartbeat write must not keep a process alive; `close()` writes it.
    this.soon.unref();
  }

  /** Writes what waits for a coalesced write, then waits for every write to finish. */
  async close(): Promise<void> {
    if (this.soon) {
      this.cancelSoon();
      await this.save().catch(() => undefined);
    }
    await this.idle();
  }

  private cancelSoon(): void {
    if (this.soon) clearTimeout(this.soon);
    this.soon = undefined;
  }

  /** Resolves when every write requested so far has finished (successfully or not). */
  async idle(): Promise<void> {
    await this.running.catch(() => undefined);
  }

  /**
   * Resolves once everything in memory is on disk: waits for the writes in progress and, if the
   * last one failed, writes again (rejecting if that fails too). For answers that change nothing
   * but may show a change whose own write failed (e.g. the idempotent replay of it).
   */
  async flush(): Promise<void> {
    await this.idle();
    if (this.unsaved) await this.save();
  }

  private async writeNow(json: string): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await writeFileAtomically(path.join(this.dataDir, STATE_FILE), json, { mode: 0o600 });
  }
}
