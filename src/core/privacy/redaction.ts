/**
 * Personal data that turns up in free text (an answer typed into a tutor, a chat message): the
 * patterns are written once, in RE2 syntax, so that DuckDB's regexp_replace and JavaScript apply
 * the same ones.
 */
export const EMAIL_PATTERN = '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}';
/** Phone-like runs: an optional +country code, then at least nine digits with common separators. */
export const PHONE_PATTERN = '\\+?\\d[\\d ().-]{7,}\\d';

export const EMAIL_PLACEHOLDER = '[email]';
export const PHONE_PLACEHOLDER = '[phone]';
export const NAME_PLACEHOLDER = '[name]';
export const IDENTIFIER_PLACEHOLDER = '[id]';

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** One case-insensitive, whole-word pattern for the names on a roster (null for an empty roster). */
export function rosterPattern(names: readonly string[]): string | null {
  const clean = [...new Set(names.map((n) => n.trim()).filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length);
  return clean.length === 0 ? null : `(?i)\\b(${clean.map(escapeRegex).join('|')})\\b`;
}

/** The study's own participant and session ids, wherever they turn up inside free text (null for none). */
export function identifierPattern(ids: readonly string[]): string | null {
  const clean = [...new Set(ids.filter((id) => id.length >= 2))].sort((a, b) => b.length - a.length);
  return clean.length === 0 ? null : `(${clean.map(escapeRegex).join('|')})`;
}

/** The JavaScript form, for text that never reaches DuckDB. */
export function redactText(text: string, roster: string | null): string {
  let out = text.replace(new RegExp(EMAIL_PATTERN, 'g'), EMAIL_PLACEHOLDER).replace(new RegExp(PHONE_PATTERN, 'g'), PHONE_PLACEHOLDER);
  if (roster !== null) out = out.replace(new RegExp(roster.replace(/^\(\?i\)/, ''), 'gi'), NAME_PLACEHOLDER);
  return out;
}
