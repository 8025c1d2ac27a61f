/**
 * The snake_case name a source column keeps as a signal: "Confusion Evidence" becomes
 * confusion_evidence, "FaceRect X" face_rect_x, "gaze_0_x" stays gaze_0_x.
 */
export function faceSignalName(column: string): string {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}
