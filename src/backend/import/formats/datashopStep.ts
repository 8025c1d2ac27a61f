import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { Importer, ParseContext } from '../types.js';
import { StreamsByParticipant } from './logStreams.js';
import { cell, kcsOf, quoteOf, sniffDelimiter } from './logDataShop.js';
import { headColumn, headRecords } from './logHead.js';
import { delimitedBatches } from './logLines.js';
import { LocalTimeReader } from './logLocalTimes.js';
import { type Header, NumberReader, checkWidth, firstLine, readHeader, recordError } from './tabular.js';

/** DataShop writes "KC (Default)"; the KDD Cup 2010 files write "KC(Default)". */
const KC = /^KC ?\((.+)\)$/;
const OPPORTUNITY = /^Opportunity ?\((.+)\)$/;
const PREDICTED_ERROR = /^Predicted Error Rate ?\((.+)\)$/;

const FIRST_ATTEMPT = ['First Attempt', 'Correct First Attempt'] as const;
const COUNTS = ['Incorrects', 'Hints', 'Corrects', 'Problem View', 'Correct Step Duration (sec)', 'Error Step Duration (sec)'] as const;
const TIMES_KEPT = ['First Transaction Time', 'Correct Transaction Time', 'Step End Time'] as const;
const MAPPED = new Set<string>(['Row', 'Anon Student Id', 'Problem Name', 'Step Name', 'Step Start Time', 'Step Duration (sec)', ...FIRST_ATTEMPT, ...COUNTS, ...TIMES_KEPT]);

const COLUMN_MAP = {
  'Anon Student Id': 'participant',
  'Step Start Time': 't_us (First Transaction Time when empty), read in the study time zone: the export has no zone',
  'Step Duration (sec)': 'duration_us',
  'Problem Name': 'problem',
  'Step Name': 'step',
  'First Attempt': 'outcome (correct: CORRECT, incorrect: INCORRECT, hint: HINT)',
  'Correct First Attempt': 'outcome (1: CORRECT, 0: INCORRECT; the KDD Cup files count a first hint as 0)',
  'KC (<first model>)': 'skill (";"-separated)',
  'KC (<model>)': 'attributes.kc.<model>',
  'Opportunity (<model>)': 'attributes.opportunity.<model> (numbers, one per KC)',
  'Predicted Error Rate (<model>)': 'attributes.predicted_error_rate.<model>',
  'Incorrects, Hints, Corrects, Problem View, Correct/Error Step Duration (sec)': 'attributes.<column> (numbers; "." is missing)',
  'First Transaction Time, Correct Transaction Time, Step End Time': 'attributes.<column> (as written)',
  'other columns': 'attributes.<column>',
  Row: "not kept (the export's row number)",
} as const;

interface ModelColumns {
  readonly model: string;
  readonly kc: number[];
  opportunity: number;
  predicted: number;
}

interface Layout {
  readonly width: number;
  readonly student: number;
  readonly problem: number;
  readonly step: number;
  readonly start: number;
  readonly firstTransaction: number;
  readonly duration: number;
  readonly firstAttempt: number;
  readonly kddFirstAttempt: boolean;
  readonly counts: { readonly name: string; readonly index: number }[];
  readonly times: { readonly name: string; readonly index: number }[];
  readonly models: ModelColumns[];
  readonly other: { readonly name: string; readonly index: number }[];
}

function layoutOf(header: Header, path: string): Layout {
  const at = (name: string): number => header.index(name) ?? -1;
  for (const name of ['Anon Student Id', 'Step Name', 'Step Start Time']) {
    if (!header.has(name)) throw recordError(path, header.record, `a DataShop student-step export needs a "${name}" column`);
  }
  const models = new Map<string, ModelColumns>();
  const model = (name: string): ModelColumns => {
    let found = models.get(name);
    if (found === undefined) {
      found = { model: name, kc: [], opportunity: -1, predicted: -1 };
      models.set(name, found);
    }
    return found;
  };
  const handled = new Set<number>();
  header.record.fields.forEach((raw, index) => {
    const name = raw.trim();
    const kc = KC.exec(name);
    const opportunity = OPPORTUNITY.exec(name);
    const predicted = PREDICTED_ERROR.exec(name);
    if (kc !== null) model(kc[1] as string).kc.push(index);
    else if (opportunity !== null) model(opportunity[1] as string).opportunity = index;
    else if (predicted !== null) model(predicted[1] as string).predicted = index;
    else return;
    handled.add(index);
  });
  const firstAttempt = FIRST_ATTEMPT.find((name) => header.has(name));
  return {
    width: header.width,
    student: at('Anon Student Id'),
    problem: at('Problem Name'),
    step: at('Step Name'),
    start: at('Step Start Time'),
    firstTransaction: at('First Transaction Time'),
    duration: at('Step Duration (sec)'),
    firstAttempt: firstAttempt === undefined ? -1 : at(firstAttempt),
    kddFirstAttempt: firstAttempt === 'Correct First Attempt',
    counts: COUNTS.filter((name) => header.has(name)).map((name) => ({ name, index: at(name) })),
    times: TIMES_KEPT.filter((name) => header.has(name)).map((name) => ({ name, index: at(name) })),
    models: [...models.values()].filter((m) => m.kc.length > 0),
    other: header.record.fields
      .map((raw, index) => ({ name: raw.trim(), index }))
      .filter(({ name, index }) => name !== '' && !MAPPED.has(name) && !handled.has(index)),
  };
}

const OUTCOME: Record<string, string> = { correct: 'CORRECT', incorrect: 'INCORRECT', hint: 'HINT', '1': 'CORRECT', '0': 'INCORRECT' };

/** "1~~1~~2" as numbers, one per KC of the step. */
function opportunities(numbers: NumberReader, record: DelimitedRecord, index: number, field: string): number[] | null {
  const text = cell(record, index);
  if (text === null || text === '.') return null;
  return text.split('~~').map((part) => {
    const value = Number(part);
    if (part === '' || !Number.isFinite(value)) throw numbers.error(record, index, `"${text}" in column "${field}" is not a "~~"-separated list of numbers`);
    return value;
  });
}

/**
 * PSLC DataShop student-step export ("Export → Student-Step"), and the KDD Cup 2010 files in the
 * same layout: one `step` event per row, at the step's start.
 */
export const datashopStep: Importer = {
  format: 'datashop-step',
  title: 'PSLC DataShop student-step rollup',
  phase: 'data',

  detect(file) {
    const header = firstLine(file.headText);
    const fields = new Set(header.split(sniffDelimiter(header)).map((f) => f.trim().replace(/^"(.*)"$/, '$1')));
    if (!fields.has('Anon Student Id') || !fields.has('Step Name') || !fields.has('Step Start Time')) return 0;
    return FIRST_ATTEMPT.some((name) => fields.has(name)) && fields.has('Step Duration (sec)') ? 1 : 0.7;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const delimiter = sniffDelimiter(firstLine(ctx.file.headText));
    const options: DelimitedOptions = { delimiter, quote: quoteOf(ctx.file, delimiter) };
    const reader = ctx.openText();
    try {
      const header = await readHeader(reader, options);
      const layout = layoutOf(header, path);
      const numbers = new NumberReader(path);
      const head = headRecords(ctx.file, options);
      const times = new LocalTimeReader(path, [...headColumn(head, layout.start), ...headColumn(head, layout.firstTransaction)], 'month/day/year', 'DataShop is a US service, and US spreadsheet programs write month/day/year');
      const provenance = { format: 'datashop-step', kc_models: layout.models.map((m) => m.model), columns: COLUMN_MAP, time_zone: `none in the file: read in the study's time zone, ${ctx.timeZone}` };
      const streams = new StreamsByParticipant(ctx.sink, { kind: 'epoch' }, provenance);
      let rows = 0;
      let noStart: { count: number; line: number } | undefined;

      for await (const batch of delimitedBatches(reader, options)) {
        ctx.sink.progress(reader.bytesRead);
        for (const record of batch) {
          const fields = record.fields;
          if (fields.length !== layout.width) checkWidth(path, header, record, delimiter === '\t' ? 'tab' : 'comma');
          const student = fields[layout.student] ?? '';
          if (student === '') throw recordError(path, record, 'Anon Student Id is empty', layout.student);
          const writer = await streams.writer(student);
          if (!writer.accepted) {
            writer.event(0, { kind: 'refused' });
            continue;
          }
          rows += 1;

          let timeIndex = layout.start;
          if (cell(record, layout.start) === null) {
            if (cell(record, layout.firstTransaction) === null) throw recordError(path, record, 'the step has neither a Step Start Time nor a First Transaction Time', layout.start);
            timeIndex = layout.firstTransaction;
            noStart ??= { count: 0, line: record.line };
            noStart.count += 1;
          }
          const t = times.read(record, timeIndex, timeIndex === layout.start ? 'Step Start Time' : 'First Transaction Time', ctx.timeZone);
          const duration = layout.duration < 0 || cell(record, layout.duration) === null ? null : numbers.read(record, layout.duration, 'Step Duration (sec)');
          const firstAttempt = cell(record, layout.firstAttempt);
          const outcome = firstAttempt === null ? null : OUTCOME[firstAttempt.trim().toLowerCase()];
          if (firstAttempt !== null && outcome === undefined) {
            throw recordError(path, record, `"${firstAttempt}" is not a first-attempt result (${layout.kddFirstAttempt ? '1 or 0' : 'correct, incorrect or hint'})`, layout.firstAttempt);
          }

          const attributes: Record<string, unknown> = {};
          for (const { name, index } of layout.other) {
            const value = fields[index];
            if (value !== undefined && value !== '' && value !== '.') attributes[name] = value;
          }
          for (const { name, index } of layout.counts) {
            const value = cell(record, index) === null ? null : numbers.read(record, index, name);
            if (value !== null) attributes[name] = value;
          }
          for (const { name, index } of layout.times) {
            const value = cell(record, index);
            if (value !== null) attributes[name] = value;
          }
          if (firstAttempt !== null) attributes[FIRST_ATTEMPT[layout.kddFirstAttempt ? 1 : 0]] = firstAttempt;
          let skill: string | null = null;
          let kcs: Record<string, string[]> | undefined;
          let opportunity: Record<string, number[]> | undefined;
          let predicted: Record<string, number> | undefined;
          for (let k = 0; k < layout.models.length; k += 1) {
            const m = layout.models[k] as ModelColumns;
            const values = kcsOf(record, m.kc);
            if (values.length > 0) {
              (kcs ??= {})[m.model] = values;
              if (k === 0) skill = values.join(';');
            }
            const opp = m.opportunity < 0 ? null : opportunities(numbers, record, m.opportunity, `Opportunity (${m.model})`);
            if (opp !== null) (opportunity ??= {})[m.model] = opp;
            const rate = m.predicted < 0 || cell(record, m.predicted) === null ? null : numbers.read(record, m.predicted, `Predicted Error Rate (${m.model})`);
            if (rate !== null) (predicted ??= {})[m.model] = rate;
          }
          if (kcs !== undefined) attributes['kc'] = kcs;
          if (opportunity !== undefined) attributes['opportunity'] = opportunity;
          if (predicted !== undefined) attributes['predicted_error_rate'] = predicted;

          writer.event(
            t,
            {
              kind: 'step',
              durationUs: duration === null ? null : Math.round(duration * 1e6),
              problem: cell(record, layout.problem),
              step: cell(record, layout.step),
              outcome: outcome ?? null,
              skill,
              attributes,
            },
            record.line,
          );
        }
      }

      if (rows > 0) {
        ctx.sink.warn({
          message: `The export has no time zone: its ${rows} step times were read in the study's time zone, ${ctx.timeZone}`,
          location: { file: path, field: 'Step Start Time' },
          count: rows,
        });
      }
      if (noStart !== undefined) {
        ctx.sink.warn({
          message: `${noStart.count} steps have no Step Start Time (first at line ${noStart.line}); they were placed at their First Transaction Time`,
          location: { file: path, line: noStart.line, field: 'Step Start Time' },
          count: noStart.count,
        });
      }
      times.flushWarnings(ctx.sink);
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
