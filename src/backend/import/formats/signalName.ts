/**
 * The snake_case signal name of a source column, as the signals view names its series: "Avg.
 * Pupil Size X" → avg_pupil_size_x, "AOI hit [Page - Title]" → aoi_hit_page_title. Face
 * software writes its column names in CamelCase ("FaceRect X" → face_rect_x), so face importers
 * split words at case changes; eye-tracker names keep theirs whole (GazePointX → gazepointx),
 * the names the stored gaze signals already have.
 */
export function signalName(column: string, options: { splitCamelCase?: boolean } = {}): string {
  return (options.splitCamelCase === true ? column.replace(/([a-z0-9])([A-Z])/g, '$1_$2') : column)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
