/**
 * One pause for the whole run: a 429 (with its Retry-After) holds back every
 * publish that has not started yet, not only the package that met it —
 * retrying the others at full speed is what turns a rate limit into a storm.
 */
export class GlobalBackoff {
  private until = 0;
  /** A finished sleep proves its pause is over, whatever the (injected) clock says. */
  private sleptThrough = 0;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** No new publish starts for `ms` from now (a later pause wins). */
  pauseFor(ms: number): void {
    this.until = Math.max(this.until, this.now() + Math.max(0, ms));
  }

  remainingMs(): number {
    return this.until <= this.sleptThrough ? 0 : Math.max(0, this.until - this.now());
  }

  /** Resolves once no pause is in force (a pause extended meanwhile is waited out too). */
  async wait(): Promise<void> {
    for (let left = this.remainingMs(); left > 0; left = this.remainingMs()) {
      const target = this.until;
      await this.sleep(left);
      this.sleptThrough = Math.max(this.sleptThrough, target);
    }
  }
}
