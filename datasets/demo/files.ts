/** What the generator writes, as reported back to its caller. */

/** Weft's format identifiers (docs/formats.md), as written in the manifest's `format` column. */
export const FORMAT = {
  datashop: 'datashop-tx',
  face: 'weft-face-csv',
  tobii: 'tobii-studio-tsv',
  segments: 'emdat-seg',
  annotations: 'weft-annotations-csv',
  consent: 'redcap-consent-csv',
  manifest: 'weft-manifest-csv',
} as const;

export type DemoFormat = (typeof FORMAT)[keyof typeof FORMAT];

export type DemoFileKind =
  | 'tutor-log'
  | 'face'
  | 'eye-tracking'
  | 'segments'
  | 'annotations'
  | 'consent'
  | 'manifest'
  | 'truth';

export interface DemoFile {
  /** Relative to the output directory, `/`-separated. */
  readonly path: string;
  readonly kind: DemoFileKind;
  /** Weft format id; null for the ground-truth file, which Weft never imports. */
  readonly format: DemoFormat | null;
  readonly participantId: string | null;
  readonly sessionId: string | null;
  /** Data rows: lines after the header (and preamble); 0 for the JSON truth file. */
  readonly rows: number;
  readonly bytes: number;
}

export interface WriteResult {
  readonly rows: number;
  readonly bytes: number;
}
