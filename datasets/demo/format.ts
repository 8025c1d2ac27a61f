/** Compact, locale-free number formatting and CSV quoting for the generated files. */

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000] as const;

/**
 * Fixed-point with at most `decimals` digits and no trailing zeros: 0.25 → "0.25",
 * 1e-6 → "0", -3.5 → "-3.5". Faster than toFixed and never prints exponents.
 */
export function fixed(value: number, decimals: number): string {
  const scale = POW10[decimals] ?? 10 ** decimals;
  const n = Math.round(value * scale);
  if (n === 0) return '0';
  const negative = n < 0;
  const abs = negative ? -n : n;
  const whole = Math.floor(abs / scale);
  let frac = abs - whole * scale;
  const sign = negative ? '-' : '';
  if (frac === 0) return `${sign}${whole}`;
  let digits = decimals;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  return `${sign}${whole}.${String(frac).padStart(digits, '0')}`;
}

/** RFC 4180 quoting: only fields holding a comma, quote or line break are quoted. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const csvLine = (fields: readonly string[]): string => fields.map(csvField).join(',');
