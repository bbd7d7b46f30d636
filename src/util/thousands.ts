/**
 * 1234567 as "1,234,567", as `toLocaleString('en-US')` writes a whole number, without
 * it: its first call builds ICU's number formatter, 20-25 ms of a join's start (the plan
 * names the label count in its strategy reason).
 */
export function withThousands(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = (end > 3 ? ',' : '') + digits.slice(Math.max(0, end - 3), end) + out;
  return n < 0 ? `-${out}` : out;
}
