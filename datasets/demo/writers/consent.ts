/** The consent instrument as a REDCap "raw data" CSV export. */
import { CONSENT_CHECKBOX_PREFIX } from '../../../src/core/formats/weftFormats.js';
import { MODALITIES } from '../../../src/core/study/modalities.js';
import type { ConsentRecord } from '../consent.js';
import type { WriteResult } from '../files.js';
import { csvLine } from '../format.js';
import { LineWriter } from '../lineWriter.js';

export const CONSENT_COLUMNS: readonly string[] = [
  'record_id', 'redcap_event_name', 'consent_date', 'consent_form_version', 'consent_expiry_date',
  ...MODALITIES.map((m) => `${CONSENT_CHECKBOX_PREFIX}${m}`),
  'withdrawal_date', 'consent_complete',
];

export async function writeConsent(path: string, records: readonly ConsentRecord[]): Promise<WriteResult> {
  const out = new LineWriter(path);
  await out.meta(CONSENT_COLUMNS.join(','));
  for (const r of records) {
    await out.row(csvLine([
      r.participantId, 'enrollment_arm_1', r.consentDate, r.formVersion, r.expiryDate,
      ...MODALITIES.map((m) => (r.granted[m] ? '1' : '0')),
      r.withdrawalDate ?? '', '2',
    ]));
  }
  const bytes = await out.close();
  return { rows: out.rows, bytes };
}
