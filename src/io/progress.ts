/** Rows and rate on stderr, redrawn a few times a second, only when stderr is a terminal. */
export class Progress {
  private count = 0;
  private started = Date.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private label: string,
    options: { quiet?: boolean; total?: number } = {},
  ) {
    this.enabled = !options.quiet && process.stderr.isTTY === true;
    this.total = options.total;
  }
  private readonly total: number | undefined;

  /** Starts counting a new stage of the same work (`join: reading labels`, then `join: writing`). */
  phase(label: string): void {
    this.label = label;
    this.count = 0;
    this.started = Date.now();
  }

  tick(n = 1): void {
    this.count += n;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.draw(now);
  }

  private draw(now: number): void {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = this.count / seconds;
    let text = `${this.label}: ${this.count.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s`;
    if (this.total !== undefined && this.total > 0) {
      const left = rate > 0 ? Math.max(0, (this.total - this.count) / rate) : 0;
      text += `, ${Math.min(100, Math.floor((100 * this.count) / this.total))}%, ETA ${Math.ceil(left)}s`;
    }
    process.stderr.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.enabled && this.lastDraw > 0) process.stderr.write('\r\x1b[2K');
  }
}
