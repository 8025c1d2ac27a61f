import { isKnownTimeZone } from '../../../core/study/instants.js';
import { WeftError } from '../../../core/errors.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext, StreamWriter } from '../types.js';
import { headColumn, headRecords } from './logHead.js';
import { DatashopAttributesPlan, conditionOf, datashopLayout, skillOf } from './datashopLayout.js';
import { cell, quoteOf, sniffDelimiter } from './logDataShop.js';
import { recordBatches } from '../recordBatches.js';
import { KeyTally, WrittenRow } from '../rowBytes.js';
import { LocalTimeReader } from './logLocalTimes.js';
import { readHeader, NumberReader, checkWidth, firstLine, recordError } from './tabular.js';

const REQUIRED = ['Anon Student Id', 'Time'] as const;
/** From this size on, a worker thread reads the file and writes the rows' attributes while this one does the rest. */
export const DATASHOP_WORKER_BYTES = 8 << 20;

/** Which source column feeds which `events` column, for each stream's provenance. */
const COLUMN_MAP = {
  'Anon Student Id': 'participant',
  'Session Id': 'session (and attributes.session)',
  'Time + Time Zone': 't_us (an empty zone is read in the study time zone)',
  'Duration (sec)': 'duration_us',
  'Student Response Type': 'kind (ATTEMPT: attempt; HINT_REQUEST, HINT_MSG: hint_request; others in lower case)',
  'Problem Name': 'problem',
  'Step Name': 'step',
  Selection: 'selection',
  Action: 'action',
  Input: 'input',
  Outcome: 'outcome (upper case)',
  'Attempt At Step': 'attempt',
  'Feedback Text': 'feedback',
  'KC (<first model>)': 'skill (";"-separated)',
  'KC (<model>)': 'attributes.kc.<model> (lists; "~~"-separated cells split)',
  'KC Category (<model>)': 'attributes.kc_category.<model>',
  'Level (<name>)': 'attributes.levels.<name> (a list when the export repeats the level name)',
  'CF (<name>)': 'attributes.cf.<name>',
  'Condition Name + Condition Type': 'attributes.conditions; a session with one condition takes it as its variant',
  'other columns': 'attributes.<column name> (a list when the header repeats the name; a column named like one of the keys above is kept as "<name> (column)")',
  Row: 'not kept (the export\'s row number)',
} as const;

const EVENT_KIND: Record<string, string> = {
  ATTEMPT: 'attempt',
  HINT_REQUEST: 'hint_request',
  HINT_MSG: 'hint_request',
};

interface SessionTracker {
  readonly writer: StreamWriter;
  readonly variants: Set<string>;
}

/** PSLC DataShop tutor-transaction export (tab- or comma-delimited, any KC models). */
export const datashopTx: Importer = {
  format: 'datashop-tx',
  title: 'PSLC DataShop tutor transactions',
  phase: 'data',

  detect(file) {
    const header = firstLine(file.headText);
    const fields = header.split(sniffDelimiter(header)).map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    if (!fields.includes('Anon Student Id') || !fields.includes('Time')) return 0;
    return fields.includes('Transaction Id') || fields.includes('Student Response Type') ? 1 : 0.8;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const delimiter = sniffDelimiter(firstLine(ctx.file.headText));
    const options: DelimitedOptions = { delimiter, quote: quoteOf(ctx.file, delimiter) };
    const delimiterName = delimiter === '\t' ? 'tab' : 'comma';
    const reader = ctx.openText();
    const header = await readHeader(reader, options).finally(() => reader.close());
    for (const name of REQUIRED) {
      if (!header.has(name)) throw recordError(path, header.record, `a DataShop transaction export needs a "${name}" column`);
    }
    const layout = datashopLayout(header);
    const attributeKeys = new KeyTally(new DatashopAttributesPlan(layout).keyNames);
    const numbers = new NumberReader(path);
    const times = new LocalTimeReader(path, headColumn(headRecords(ctx.file, options), layout.time), 'month/day/year', 'DataShop is a US service, and US spreadsheet programs write month/day/year');
    const provenance = { format: 'datashop-tx', kc_models: layout.kcModels.map((m) => m.model), columns: COLUMN_MAP };
    const sessions = new Map<string, SessionTracker>();
    let missingZone: { count: number; line: number } | undefined;
    let knownZone = '';
    let lastStudent = '';
    let lastSession: string | null = null;
    let tracker: SessionTracker | undefined;

    const trackerFor = async (student: string, sessionId: string | null): Promise<SessionTracker> => {
      const key = `${student}\u0000${sessionId ?? ''}`;
      let found = sessions.get(key);
      if (found === undefined) {
        const writer = await ctx.sink.openStream({
          kind: 'interaction_log',
          target: { participantId: student, ...(sessionId === null ? {} : { sessionId }) },
          time: { kind: 'epoch' },
          provenance,
        });
        found = { writer, variants: new Set() };
        sessions.set(key, found);
      }
      return found;
    };

    const zoneOf = (record: DelimitedRecord): string => {
      const zone = layout.zone < 0 ? '' : (record.field(layout.zone) ?? '').trim();
      if (zone === knownZone && zone !== '') return zone;
      if (zone === '') {
        missingZone ??= { count: 0, line: record.line };
        missingZone.count += 1;
        return ctx.timeZone;
      }
      if (!isKnownTimeZone(zone)) {
        throw recordError(path, record, `Time Zone "${zone}" is not a time zone name Weft knows (an IANA name such as US/Eastern or Europe/Berlin)`, layout.zone);
      }
      knownZone = zone;
      return zone;
    };

    const batches = recordBatches(ctx.file, options, 'datashop-attributes', { worker: ctx.file.bytes >= DATASHOP_WORKER_BYTES });
    for await (const { records, rows, bytesRead } of batches) {
      ctx.sink.progress(bytesRead);
      if (rows === null) throw new WeftError('INTERNAL', 'datashop-attributes writes a value for every record');
      for (let i = 0; i < records.length; i += 1) {
        const record = records[i] as DelimitedRecord;
        if (record.width !== layout.width) checkWidth(path, header, record, delimiterName);
        const student = record.field(layout.student) ?? '';
        if (student === '') throw recordError(path, record, 'Anon Student Id is empty', layout.student);
        const sessionId = cell(record, layout.session);
        if (tracker === undefined || student !== lastStudent || sessionId !== lastSession) {
          tracker = await trackerFor(student, sessionId);
          lastStudent = student;
          lastSession = sessionId;
        }
        const writer = tracker.writer;
        if (!writer.accepted) {
          writer.event(0, { kind: 'refused' });
          continue;
        }

        const t = times.read(record, layout.time, 'Time', zoneOf(record));
        const durationText = cell(record, layout.duration);
        const durationSeconds = durationText === null ? null : numbers.read(record, layout.duration, 'Duration (sec)');
        const attemptText = cell(record, layout.attempt);
        const attempt = attemptText === null ? null : numbers.read(record, layout.attempt, 'Attempt At Step');
        const responseType = cell(record, layout.responseType);
        const condition = conditionOf(layout, record);
        if (condition !== null) tracker.variants.add(condition);

        writer.event(
          t,
          {
            kind: responseType === null ? 'transaction' : (EVENT_KIND[responseType] ?? responseType.toLowerCase()),
            durationUs: durationSeconds === null ? null : Math.round(durationSeconds * 1e6),
            problem: cell(record, layout.problem),
            step: cell(record, layout.step),
            selection: cell(record, layout.selection),
            action: cell(record, layout.action),
            input: cell(record, layout.input),
            outcome: cell(record, layout.outcome)?.toUpperCase() ?? null,
            skill: skillOf(layout, record),
            attempt: attempt === null ? null : Math.round(attempt),
            feedback: cell(record, layout.feedback),
            attributes: new WrittenRow(rows, i, attributeKeys),
          },
          record.line,
        );
      }
    }

    const varying: string[] = [];
    for (const [key, session] of sessions) {
      if (!session.writer.accepted) continue;
      const variants = [...session.variants];
      if (variants.length === 1) session.writer.describeSession({ variant: variants[0] as string });
      else if (variants.length > 1) varying.push(`"${key.split('\u0000')[1] || key.split('\u0000')[0]}" (${variants.slice(0, 3).join(', ')})`);
    }
    if (varying.length > 0) {
      ctx.sink.warn({
        message: `Condition Name varies within ${varying.length} session${varying.length === 1 ? '' : 's'} (${varying.slice(0, 2).join('; ')}${varying.length > 2 ? '; …' : ''}), so it was not taken as their lesson variant; each row keeps its conditions in attributes`,
        location: { file: path, field: 'Condition Name' },
        count: varying.length,
      });
    }
    if (missingZone !== undefined) {
      ctx.sink.warn({
        message: `Time Zone is empty on ${missingZone.count} rows (first at line ${missingZone.line}); their times were read in the study's time zone, ${ctx.timeZone}`,
        location: { file: path, line: missingZone.line, field: 'Time Zone' },
        count: missingZone.count,
      });
    }
    times.flushWarnings(ctx.sink);
    numbers.flushWarnings(ctx.sink);
  },
};
