/**
 * The snake_case signal name of a source column ("Avg. Pupil Size X" → avg_pupil_size_x,
 * "AOI hit [Page - Title]" → aoi_hit_page_title), as the signals view names its series.
 */
export function signalName(column: string): string {
  return column
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
