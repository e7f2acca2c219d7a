/**
 * Keeps the state in `<dataDir>/state.json` so that nothing the emulator acknowledged is lost,
 * even on `kill -9`: each snapshot goes to a temporary file that is fsynced, renamed over the
 * old one (atomic on POSIX) and made durable by fsyncing the directory. The server awaits the
 * write before it answers.
 */
import { promises as fs, readFileSync, existsSync, readdirSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { EmulatorStateSchema, type EmulatorState } from './state';

const STATE_FILE = 'state.json';

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
  private counter = 0;
  /** From a failed write until a later one succeeds, memory holds changes the disk does not. */
  private unsaved = false;

  constructor(
    private readonly dataDir: string,
    private readonly serialize: () => string,
  ) {}

  save(): Promise<void> {
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
    await fs.mkdir(this.dataDir, { recursive: true });
    const target = path.join(this.dataDir, STATE_FILE);
    const temp = `${target}.tmp-${process.pid}-${++this.counter}`;
    const file = await fs.open(temp, 'w', 0o600);
    try {
      await file.writeFile(json, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temp, target);
    const dir = await fs.open(this.dataDir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
