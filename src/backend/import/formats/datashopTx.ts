import { SPREADSHEET_DAMAGED_TIME, isKnownTimeZone, parseLocalDateTime, zonedToEpochUs } from '../../../core/study/instants.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext, StreamWriter } from '../types.js';
import { readHeader, type Header, NumberReader, checkWidth, firstLine, recordError } from './tabular.js';

const REQUIRED = ['Anon Student Id', 'Time'] as const;

/** Columns mapped to their own event fields; everything else is kept in attributes. */
const MAPPED = new Set([
  'Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Duration (sec)', 'Student Response Type', 'Problem Name',
  'Step Name', 'Selection', 'Action', 'Input', 'Outcome', 'Attempt At Step', 'Feedback Text', 'Row',
]);

const KC = /^KC \((.+)\)$/;
const KC_CATEGORY = /^KC Category \((.+)\)$/;
const LEVEL = /^Level \((.+)\)$/;
const CF = /^CF \((.+)\)$/;

function sniffDelimiter(headerLine: string): DelimitedOptions['delimiter'] {
  return headerLine.split('\t').length >= headerLine.split(',').length ? '\t' : ',';
}

/**
 * DataShop's TSV exports do not quote cells and leave stray quotes inside them (HTML in
 * feedback); other exports quote cells that hold tabs or line breaks. A cell that opens with a
 * quote in the first lines tells the two apart.
 */
function sniffQuote(text: string, delimiter: string): string | null {
  const lines = text.split(/\r?\n/).slice(1, 200);
  return lines.some((line) => line.split(delimiter).some((cell) => cell.startsWith('"'))) ? '"' : null;
}

interface Layout {
  readonly at: (name: string) => number | undefined;
  readonly kcModels: { model: string; indices: number[] }[];
  readonly levels: { name: string; index: number }[];
  readonly customFields: { name: string; index: number }[];
  readonly conditions: { name: number; type: number | undefined }[];
  readonly other: { name: string; index: number }[];
}

function layoutOf(header: Header): Layout {
  const kcByModel = new Map<string, number[]>();
  for (const { name, index } of header.matching(KC)) {
    const model = KC.exec(name)?.[1] ?? name;
    kcByModel.set(model, [...(kcByModel.get(model) ?? []), index]);
  }
  const conditionNames = header.all('Condition Name');
  const conditionTypes = header.all('Condition Type');
  const handled = new Set<number>([
    ...[...kcByModel.values()].flat(),
    ...header.matching(KC_CATEGORY).map((c) => c.index),
    ...header.matching(LEVEL).map((c) => c.index),
    ...header.matching(CF).map((c) => c.index),
    ...conditionNames,
    ...conditionTypes,
  ]);
  const other = header.record.fields
    .map((raw, index) => ({ name: raw.trim(), index }))
    .filter(({ name, index }) => name !== '' && !MAPPED.has(name) && !handled.has(index));
  return {
    at: (name) => header.index(name),
    kcModels: [...kcByModel].map(([model, indices]) => ({ model, indices })),
    levels: header.matching(LEVEL).map(({ name, index }) => ({ name: LEVEL.exec(name)?.[1] ?? name, index })),
    customFields: header.matching(CF).map(({ name, index }) => ({ name: CF.exec(name)?.[1] ?? name, index })),
    conditions: conditionNames.map((name, k) => ({ name, type: conditionTypes[k] })),
    other,
  };
}

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
    const fields = header.split(sniffDelimiter(header)).map((f) => f.trim());
    if (!fields.includes('Anon Student Id') || !fields.includes('Time')) return 0;
    return fields.includes('Transaction Id') || fields.includes('Student Response Type') ? 1 : 0.8;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const delimiter = sniffDelimiter(firstLine(ctx.file.headText));
    const options: DelimitedOptions = { delimiter, quote: sniffQuote(ctx.file.headText, delimiter) };
    const delimiterName = delimiter === '\t' ? 'tab' : 'comma';
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, options);
      const headerRecord = header.record;
      for (const name of REQUIRED) {
        if (!header.has(name)) throw recordError(path, headerRecord, `a DataShop transaction export needs a "${name}" column`);
      }
      const layout = layoutOf(header);
      const col = (name: string): number | undefined => layout.at(name);
      const numbers = new NumberReader(path);
      const sessions = new Map<string, SessionTracker>();
      const text = (record: DelimitedRecord, index: number | undefined): string | null => {
        if (index === undefined) return null;
        const value = record.fields[index];
        return value === undefined || value === '' ? null : value;
      };
      let missingZone: { count: number; line: number } | undefined;
      const iStudent = col('Anon Student Id') as number;
      const iTime = col('Time') as number;
      const iZone = col('Time Zone');
      const iSession = col('Session Id');

      for (;;) {
        const records = await reader.readRecords(options, 1024);
        if (records.length === 0) break;
        ctx.sink.progress(reader.bytesRead);
        for (const record of records) {
          if (record.fields.length === 0) continue;
          checkWidth(path, header, record, delimiterName);
          const student = text(record, iStudent);
          if (student === null) throw recordError(path, record, 'Anon Student Id is empty', iStudent);
          const sessionId = text(record, iSession);
          const key = `${student}\u0000${sessionId ?? ''}`;
          let tracker = sessions.get(key);
          if (tracker === undefined) {
            const writer = await ctx.sink.openStream({
              kind: 'interaction_log',
              target: { participantId: student, ...(sessionId === null ? {} : { sessionId }) },
              time: { kind: 'epoch' },
              provenance: { format: 'datashop-tx', kc_models: layout.kcModels.map((m) => m.model) },
            });
            tracker = { writer, variants: new Set() };
            sessions.set(key, tracker);
          }
          if (!tracker.writer.accepted) {
            tracker.writer.event(0, { kind: 'refused' });
            continue;
          }

          const timeText = (record.fields[iTime] ?? '').trim();
          const local = parseLocalDateTime(timeText);
          if (local === null) {
            if (SPREADSHEET_DAMAGED_TIME.test(timeText)) {
              throw recordError(path, record, `Time "${timeText}" has lost its date and hour: a spreadsheet program reformatted the column as mm:ss.0 when it saved the file. Re-export from DataShop, or format the column as yyyy-mm-dd hh:mm:ss before saving`, iTime);
            }
            throw recordError(path, record, `Time "${timeText}" is not a DataShop time (YYYY-MM-DD HH:MM:SS)`, iTime);
          }
          let zone = iZone === undefined ? '' : (record.fields[iZone] ?? '').trim();
          if (zone === '') {
            missingZone ??= { count: 0, line: record.line };
            missingZone.count += 1;
            zone = ctx.timeZone;
          } else if (!isKnownTimeZone(zone)) {
            throw recordError(path, record, `Time Zone "${zone}" is not a time zone name Weft knows (an IANA name such as US/Eastern or Europe/Berlin)`, iZone);
          }
          const t = zonedToEpochUs(zone, local.year, local.month, local.day, local.hour, local.minute, local.second, local.micro);

          const durationIndex = col('Duration (sec)');
          const durationSeconds = durationIndex === undefined ? null : numbers.read(record, durationIndex, 'Duration (sec)');
          const attemptIndex = col('Attempt At Step');
          const attempt = attemptIndex === undefined ? null : numbers.read(record, attemptIndex, 'Attempt At Step');
          const responseType = text(record, col('Student Response Type'));

          const attributes: Record<string, unknown> = {};
          if (sessionId !== null) attributes['session'] = sessionId;
          for (const { name, index } of layout.other) {
            const value = record.fields[index];
            if (value !== undefined && value !== '') attributes[name] = value;
          }
          const levels: Record<string, string> = {};
          for (const { name, index } of layout.levels) {
            const value = record.fields[index];
            if (value) levels[name] = value;
          }
          if (Object.keys(levels).length > 0) attributes['levels'] = levels;
          const kcs: Record<string, string[]> = {};
          for (const { model, indices } of layout.kcModels) {
            const values = indices.flatMap((i) => (record.fields[i] ?? '').split('~~')).filter((v) => v !== '');
            if (values.length > 0) kcs[model] = [...new Set(values)];
          }
          if (Object.keys(kcs).length > 0) attributes['kc'] = kcs;
          const custom: Record<string, string> = {};
          for (const { name, index } of layout.customFields) {
            const value = record.fields[index];
            if (value) custom[name] = value;
          }
          if (Object.keys(custom).length > 0) attributes['cf'] = custom;
          const conditions = layout.conditions
            .map(({ name, type }) => ({ name: record.fields[name] ?? '', type: type === undefined ? '' : (record.fields[type] ?? '') }))
            .filter((c) => c.name !== '');
          if (conditions.length > 0) attributes['conditions'] = conditions;
          const firstCondition = conditions[0]?.name;
          if (firstCondition !== undefined) tracker.variants.add(firstCondition);

          const firstModel = layout.kcModels[0];
          tracker.writer.event(
            t,
            {
              kind: responseType === null ? 'transaction' : (EVENT_KIND[responseType] ?? responseType.toLowerCase()),
              durationUs: durationSeconds === null ? null : Math.round(durationSeconds * 1e6),
              problem: text(record, col('Problem Name')),
              step: text(record, col('Step Name')),
              selection: text(record, col('Selection')),
              action: text(record, col('Action')),
              input: text(record, col('Input')),
              outcome: text(record, col('Outcome')),
              skill: firstModel === undefined ? null : ((kcs[firstModel.model] ?? []).join(';') || null),
              attempt: attempt === null ? null : Math.round(attempt),
              feedback: text(record, col('Feedback Text')),
              attributes,
            },
            record.line,
          );
        }
      }

      const varying: string[] = [];
      for (const [key, tracker] of sessions) {
        if (!tracker.writer.accepted) continue;
        const variants = [...tracker.variants];
        if (variants.length === 1) tracker.writer.describeSession({ variant: variants[0] as string });
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
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
