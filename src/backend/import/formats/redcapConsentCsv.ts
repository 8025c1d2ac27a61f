import { participantIdSchema } from '../../../core/api/schemas.js';
import { CONSENT_CHECKBOX_PREFIX, CONSENT_REQUIRED_COLUMNS } from '../../../core/formats/weftFormats.js';
import { parseIsoDate } from '../../../core/study/instants.js';
import { MODALITIES, isModality, type Modality } from '../../../core/study/modalities.js';
import type { ConsentFields, Importer, ParseContext } from '../types.js';
import { readHeader, checkWidth, firstLine, recordError } from './tabular.js';

const CHECKBOX = new RegExp(`^${CONSENT_CHECKBOX_PREFIX}(.+)$`);
const REQUIRED = CONSENT_REQUIRED_COLUMNS;
const COMPLETE = '2';

/**
 * A REDCap raw-data export of Weft's consent instrument (docs/formats.md). Every row is checked
 * before any is applied: an unknown modality, a malformed date or a participant listed twice
 * refuses the whole file, and the import then changes nothing.
 */
export const redcapConsentCsv: Importer = {
  format: 'redcap-consent-csv',
  title: 'REDCap consent export (CSV)',
  phase: 'consent',

  detect(file) {
    const header = firstLine(file.headText);
    return header.startsWith('record_id') && header.includes(CONSENT_CHECKBOX_PREFIX) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const options = { delimiter: ',', quote: '"' };
      const header = await readHeader(reader, options);
      const headerRecord = header.record;
      for (const name of REQUIRED) {
        if (!header.has(name)) throw recordError(path, headerRecord, `the header has no "${name}" column`);
      }
      const checkboxes: { modality: Modality; index: number }[] = [];
      for (const { name, index } of header.matching(CHECKBOX)) {
        const modality = CHECKBOX.exec(name)?.[1] ?? '';
        if (!isModality(modality)) {
          throw recordError(path, headerRecord, `"${name}" names an unknown modality "${modality}"; Weft's modalities are ${MODALITIES.join(', ')}`, index);
        }
        checkboxes.push({ modality, index });
      }
      if (checkboxes.length === 0) throw recordError(path, headerRecord, `no ${CONSENT_CHECKBOX_PREFIX}<modality> columns`);
      const col = (name: string): number | undefined => header.index(name);
      const seen = new Map<string, number>();
      const pending: ConsentFields[] = [];
      for (;;) {
        const records = await reader.readRecords(options, 512);
        if (records.length === 0) break;
        for (const record of records) {
          if (record.width === 0) continue;
          checkWidth(path, header, record, 'comma');
          const value = (name: string): string => {
            const i = col(name);
            return i === undefined ? '' : (record.field(i) ?? '').trim();
          };
          const id = value('record_id');
          if (!participantIdSchema.safeParse(id).success) throw recordError(path, record, `record_id "${id}" is not a usable participant id`, col('record_id'));
          const earlier = seen.get(id);
          if (earlier !== undefined) throw recordError(path, record, `participant "${id}" is listed twice (first on line ${earlier}); fix the export so each participant has one row`, col('record_id'));
          seen.set(id, record.line);
          if (value('consent_complete') !== COMPLETE) {
            throw recordError(path, record, `the consent form of "${id}" is not marked complete (consent_complete = "${value('consent_complete')}", REDCap writes 2 for complete)`, col('consent_complete'));
          }
          const date = (name: string, required: boolean): number | null => {
            const text = value(name);
            if (text === '') {
              if (required) throw recordError(path, record, `${name} is empty`, col(name));
              return null;
            }
            const us = parseIsoDate(text);
            if (us === null) throw recordError(path, record, `${name} "${text}" is not a date in YYYY-MM-DD form`, col(name));
            return us;
          };
          const recordedAtUs = date('consent_date', true) as number;
          const expiresAtUs = date('consent_expiry_date', false);
          const withdrawnAtUs = date('withdrawal_date', false);
          if (withdrawnAtUs !== null && withdrawnAtUs < recordedAtUs) {
            throw recordError(path, record, 'withdrawal_date is before consent_date', col('withdrawal_date'));
          }
          const formVersion = value('consent_form_version');
          for (const { modality, index } of checkboxes) {
            const box = (record.field(index) ?? '').trim();
            if (box !== '0' && box !== '1') throw recordError(path, record, `consent for ${modality} must be 1 or 0, not "${box}"`, index);
            pending.push({
              location: { file: path, line: record.line, column: record.columns[index] ?? 1 },
              participantId: id,
              modality,
              granted: box === '1',
              formVersion: formVersion === '' ? null : formVersion,
              recordedAtUs,
              expiresAtUs,
              withdrawnAtUs,
            });
          }
        }
      }
      for (const consent of pending) ctx.sink.consent(consent);
    } finally {
      await reader.close();
    }
  },
};
