import { withThousands } from '../util/thousands.js';

/** Rows and rate on stderr, redrawn a few times a second, only when stderr is a terminal. */
export class Progress {
  private count = 0;
  private started = Date.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  private total: number | undefined;

  constructor(
    private label: string,
    options: { quiet?: boolean; total?: number } = {},
  ) {
    this.enabled = !options.quiet && process.stderr.isTTY === true;
    this.total = options.total;
  }

  /**
   * Starts counting a new stage of the same work (`join: reading labels`, then `join: writing`);
   * `total`, when the stage knows it (a join writes one row per label), adds a percentage and an ETA.
   */
  phase(label: string, total?: number): void {
    this.label = label;
    this.total = total;
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
    process.stderr.write(`\r\x1b[2K${progressLine(this.label, this.count, (now - this.started) / 1000, this.total)}`);
  }

  done(): void {
    if (this.enabled && this.lastDraw > 0) process.stderr.write('\r\x1b[2K');
  }
}

const BAR_WIDTH = 20;

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `join: writing [########------------] 41% 410,000 rows, 98,000 rows/s, ETA 6s`; no bar or ETA without a total. */
export function progressLine(label: string, count: number, seconds: number, total?: number): string {
  const rate = count / Math.max(seconds, 0.001);
  const counts = `${withThousands(count)} rows, ${withThousands(Math.round(rate))} rows/s`;
  if (total === undefined || total <= 0) return `${label}: ${counts}`;
  const fraction = Math.min(1, count / total);
  const filled = Math.floor(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  // The first rows of a phase come in a burst or a trickle: no estimate before a second of it.
  const eta = seconds >= 1 && rate > 0 ? duration(Math.max(0, (total - count) / rate)) : '?';
  return `${label} ${bar} ${Math.floor(fraction * 100)}% ${counts}, ETA ${eta}`;
}
