import { isKnownTimeZone } from '../../../core/study/instants.js';
import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext, StreamWriter } from '../types.js';
import { headColumn, headRecords } from './logHead.js';
import { cell, kcsOf, quoteOf, sniffDelimiter } from './logDataShop.js';
import { delimitedBatches } from './logLines.js';
import { LocalTimeReader } from './logLocalTimes.js';
import { readHeader, type Header, NumberReader, checkWidth, firstLine, recordError } from './tabular.js';

const REQUIRED = ['Anon Student Id', 'Time'] as const;

/** Columns mapped to their own event fields; everything else is kept in attributes. */
const MAPPED = new Set([
  'Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Duration (sec)', 'Student Response Type', 'Problem Name',
  'Step Name', 'Selection', 'Action', 'Input', 'Outcome', 'Attempt At Step', 'Feedback Text', 'Row',
]);

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
  'other columns': 'attributes.<column name> (a list when the header repeats the name)',
  Row: 'not kept (the export\'s row number)',
} as const;

const KC = /^KC \((.+)\)$/;
const KC_CATEGORY = /^KC Category \((.+)\)$/;
const LEVEL = /^Level \((.+)\)$/;
const CF = /^CF \((.+)\)$/;

/** Where each kind of column is, worked out once from the header. */
interface Layout {
  readonly width: number;
  readonly student: number;
  readonly time: number;
  readonly zone: number;
  readonly session: number;
  readonly duration: number;
  readonly responseType: number;
  readonly problem: number;
  readonly step: number;
  readonly selection: number;
  readonly action: number;
  readonly input: number;
  readonly outcome: number;
  readonly attempt: number;
  readonly feedback: number;
  readonly kcModels: { readonly model: string; readonly indices: readonly number[] }[];
  readonly kcCategories: NamedColumns[];
  readonly levels: NamedColumns[];
  readonly customFields: NamedColumns[];
  readonly conditions: { readonly name: number; readonly type: number }[];
  readonly other: NamedColumns[];
}

/** The columns of one name; DataShop repeats names (three "Level (Container)" columns, say). */
interface NamedColumns {
  readonly name: string;
  readonly indices: readonly number[];
}

function byName(columns: readonly { name: string; index: number }[], pattern?: RegExp): NamedColumns[] {
  const groups = new Map<string, number[]>();
  for (const { name, index } of columns) {
    const key = pattern === undefined ? name : (pattern.exec(name)?.[1] ?? name);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  }
  return [...groups].map(([name, indices]) => ({ name, indices }));
}

/**
 * The non-empty cells of each named group into `target`: a string for a name the header has
 * once, a list (in column order) for a name it repeats. False when nothing was set.
 */
function fillNamed(target: Record<string, unknown>, groups: readonly NamedColumns[], fields: readonly string[]): boolean {
  let any = false;
  for (const { name, indices } of groups) {
    if (indices.length === 1) {
      const value = fields[indices[0] as number];
      if (value === undefined || value === '') continue;
      target[name] = value;
      any = true;
      continue;
    }
    const values: string[] = [];
    for (const i of indices) {
      const value = fields[i];
      if (value !== undefined && value !== '') values.push(value);
    }
    if (values.length === 0) continue;
    target[name] = values;
    any = true;
  }
  return any;
}

function layoutOf(header: Header): Layout {
  const at = (name: string): number => header.index(name) ?? -1;
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
  return {
    width: header.width,
    student: at('Anon Student Id'),
    time: at('Time'),
    zone: at('Time Zone'),
    session: at('Session Id'),
    duration: at('Duration (sec)'),
    responseType: at('Student Response Type'),
    problem: at('Problem Name'),
    step: at('Step Name'),
    selection: at('Selection'),
    action: at('Action'),
    input: at('Input'),
    outcome: at('Outcome'),
    attempt: at('Attempt At Step'),
    feedback: at('Feedback Text'),
    kcModels: [...kcByModel].map(([model, indices]) => ({ model, indices })),
    kcCategories: byName(header.matching(KC_CATEGORY), KC_CATEGORY),
    levels: byName(header.matching(LEVEL), LEVEL),
    customFields: byName(header.matching(CF), CF),
    conditions: conditionNames.map((name, k) => ({ name, type: conditionTypes[k] ?? -1 })),
    other: byName(
      header.record.fields.map((raw, index) => ({ name: raw.trim(), index })).filter(({ name, index }) => name !== '' && !MAPPED.has(name) && !handled.has(index)),
    ),
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
    try {
      const header = await readHeader(reader, options);
      for (const name of REQUIRED) {
        if (!header.has(name)) throw recordError(path, header.record, `a DataShop transaction export needs a "${name}" column`);
      }
      const layout = layoutOf(header);
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

      for await (const batch of delimitedBatches(reader, options)) {
        ctx.sink.progress(reader.bytesRead);
        for (const record of batch) {
          const fields = record.fields;
          if (fields.length !== layout.width) checkWidth(path, header, record, delimiterName);
          const student = fields[layout.student] ?? '';
          if (student === '') throw recordError(path, record, 'Anon Student Id is empty', layout.student);
          const sessionId = cell(fields, layout.session);
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
          const durationText = cell(fields, layout.duration);
          const durationSeconds = durationText === null ? null : numbers.read(record, layout.duration, 'Duration (sec)');
          const attemptText = cell(fields, layout.attempt);
          const attempt = attemptText === null ? null : numbers.read(record, layout.attempt, 'Attempt At Step');
          const responseType = cell(fields, layout.responseType);

          const attributes: Record<string, unknown> = {};
          if (sessionId !== null) attributes['session'] = sessionId;
          fillNamed(attributes, layout.other, fields);
          const levels: Record<string, unknown> = {};
          if (fillNamed(levels, layout.levels, fields)) attributes['levels'] = levels;
          let kcs: Record<string, string[]> | undefined;
          let skill: string | null = null;
          for (let m = 0; m < layout.kcModels.length; m += 1) {
            const model = layout.kcModels[m] as Layout['kcModels'][number];
            const values = kcsOf(fields, model.indices);
            if (values.length === 0) continue;
            (kcs ??= {})[model.model] = values;
            if (m === 0) skill = values.join(';');
          }
          if (kcs !== undefined) attributes['kc'] = kcs;
          const categories: Record<string, unknown> = {};
          if (fillNamed(categories, layout.kcCategories, fields)) attributes['kc_category'] = categories;
          const custom: Record<string, unknown> = {};
          if (fillNamed(custom, layout.customFields, fields)) attributes['cf'] = custom;
          let conditions: { name: string; type: string }[] | undefined;
          for (const { name, type } of layout.conditions) {
            const value = fields[name];
            if (value) (conditions ??= []).push({ name: value, type: type < 0 ? '' : (fields[type] ?? '') });
          }
          if (conditions !== undefined) {
            attributes['conditions'] = conditions;
            tracker.variants.add((conditions[0] as { name: string }).name);
          }

          writer.event(
            t,
            {
              kind: responseType === null ? 'transaction' : (EVENT_KIND[responseType] ?? responseType.toLowerCase()),
              durationUs: durationSeconds === null ? null : Math.round(durationSeconds * 1e6),
              problem: cell(fields, layout.problem),
              step: cell(fields, layout.step),
              selection: cell(fields, layout.selection),
              action: cell(fields, layout.action),
              input: cell(fields, layout.input),
              outcome: cell(fields, layout.outcome)?.toUpperCase() ?? null,
              skill,
              attempt: attempt === null ? null : Math.round(attempt),
              feedback: cell(fields, layout.feedback),
              attributes,
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
    } finally {
      await reader.close();
    }
  },
};
