/** A demo step or invariant that failed: the message says what and why, for a person reading the terminal. */
export class DemoFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoFailure';
  }
}
