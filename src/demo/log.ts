/**
 * Where the demo writes: a short narrative on stdout, and full logs (terraform's output, the
 * emulator's and instances' stderr) in files under the run's temporary directory.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class DemoLog {
  readonly dir: string;
  readonly #narrative: string;
  readonly #started = Date.now();
  #step = 0;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.#narrative = join(dir, 'demo.log');
  }

  /** A line for the person watching (and the narrative log). */
  say(line = ''): void {
    process.stdout.write(`${line}\n`);
    appendFileSync(this.#narrative, `${line}\n`);
  }

  /** A line only for the log file, prefixed with the elapsed time. */
  note(line: string): void {
    appendFileSync(this.#narrative, `[+${this.elapsedSeconds().toFixed(1)}s] ${line}\n`);
  }

  /** A fresh log file for one command, numbered in the order the demo ran them. */
  fileFor(name: string): string {
    this.#step += 1;
    return join(this.dir, `${String(this.#step).padStart(2, '0')}-${name}.log`);
  }

  elapsedSeconds(): number {
    return (Date.now() - this.#started) / 1000;
  }
}
