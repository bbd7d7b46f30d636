/**
 * The friendlier input types of the library's requests (SPEC §6), turned into the plain
 * numbers of ExportRequest/JoinRequest: used by the library and by the commands alike, so a
 * time or a ttl is read one way. Errors name the option (OptionError); the CLI names the flag.
 */
import { OptionError } from '../errors.js';
import { DURATION_HINT, parseDuration } from '../time/duration.js';
import { epochExample, guessEpochUnit, parseEpoch, parseInstant } from '../time/instant.js';

/** A time as the library takes it: a Date, epoch milliseconds, or ISO 8601 text (no offset = UTC), as --snapshot-date. */
export type TimeInput = Date | number | string;

/** A group's ttl override: milliseconds, or a duration like `7d` as --ttl takes it. */
export type TtlInput = Readonly<Record<string, number | string>>;

/** The snapshot instant in epoch ms; text is ISO 8601, or an integer epoch in `unit` when given. */
export function snapshotOf(value: TimeInput, unit?: 's' | 'ms'): number {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value : unit !== undefined ? parseEpoch(value, unit) : parseInstant(value);
  if (ms === undefined || !Number.isFinite(ms)) {
    const text = JSON.stringify(String(value));
    // With a unit the value was read as an epoch, and that is what it must be.
    if (unit !== undefined) throw new OptionError('snapshot', 'USAGE', `{option}: ${text} is not a timestamp (expected ${epochExample(unit)}, as --timestamp-unit ${unit} says)`);
    const epoch = typeof value === 'string' ? guessEpochUnit(value) : undefined;
    throw new OptionError(
      'snapshot',
      'USAGE',
      `{option}: ${text} is not a timestamp (expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z)`,
      epoch === undefined ? '' : `; it looks like an epoch in ${epoch === 's' ? 'seconds' : 'milliseconds'}: add --timestamp-unit ${epoch}`,
    );
  }
  return ms;
}

/** Per-group ttl overrides in ms; each must be a positive duration. */
export function ttlOf(ttl: TtlInput | undefined): Record<string, number> | undefined {
  if (ttl === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(ttl).map(([group, v]) => {
      const ms = typeof v === 'number' ? v : parseDuration(v);
      if (ms === undefined || !(ms > 0)) throw new OptionError('ttl', 'USAGE', `{option} ${group}=${v}: expected ${DURATION_HINT}`);
      return [group, ms];
    }),
  );
}
