import type { DelimitedOptions, DelimitedRecord } from '../textReader.js';
import type { EventFields, Importer, ParseContext, StreamWriter } from '../types.js';
import { StreamsByParticipant } from './logStreams.js';
import { cell } from './logDataShop.js';
import { delimitedBatches } from './logLines.js';
import { type Header, NumberReader, checkWidth, commaHeader, readHeader, recordError } from './tabular.js';

const OPTIONS: DelimitedOptions = { delimiter: ',', quote: '"' };
const REQUIRED = ['order_id', 'user_id', 'problem_id', 'correct', 'first_action'] as const;
const SIGNATURE = ['order_id', 'assignment_id', 'user_id', 'assistment_id', 'problem_id', 'ms_first_response', 'attempt_count'] as const;
/** Columns read as numbers into attributes; the others (ids, modes, answers) stay as written. */
const NUMERIC = new Set(['order_id', 'original', 'correct', 'attempt_count', 'ms_first_response', 'position', 'hint_count', 'hint_total', 'overlap_time', 'first_action', 'bottom_hint', 'opportunity', 'opportunity_original']);
const MAPPED = new Set(['user_id', 'assistment_id', 'problem_id', 'skill_name', 'answer_text']);

const COLUMN_MAP = {
  order_id: 't_us (a counter, not a time: it orders the actions and nothing else) and attributes.order_id',
  user_id: 'participant',
  first_action: 'kind (0: attempt; 1 hint, 2 scaffolding: hint_request) and attributes.first_action',
  correct: 'outcome of attempts (1: CORRECT, 0: INCORRECT; help requests: HINT)',
  ms_first_response: 'duration_us (the time to the first response; negative values are missing)',
  assistment_id: 'problem',
  problem_id: 'step',
  skill_name: 'skill (";"-separated when the data repeats an action once per skill)',
  answer_text: 'input',
  '(unnamed first column)': "not kept (pandas' row index)",
  'other columns': 'attributes.<column> (counts as numbers)',
} as const;

interface Pending {
  readonly writer: StreamWriter;
  readonly orderId: number;
  readonly fields: Omit<EventFields, 'skill'>;
  readonly skills: string[];
  readonly line: number;
}

function flush(pending: Pending | undefined): void {
  if (pending === undefined) return;
  pending.writer.event(pending.orderId, { ...pending.fields, skill: pending.skills.length === 0 ? null : pending.skills.join(';') }, pending.line);
}

/**
 * ASSISTments 2009–2010 skill-builder data (as pyBKT and most KT papers use it): one row per
 * problem a student worked on, describing the student's first action on it. The file has no
 * timestamps: `order_id` orders the actions, so it serves as the stream's clock, with no
 * wall-clock origin; durations are the time to the first response.
 */
export const assistments2009: Importer = {
  format: 'assistments-2009',
  title: 'ASSISTments 2009–2010 skill builder',
  phase: 'data',

  detect(file) {
    const fields = new Set(commaHeader(file.headText));
    return SIGNATURE.every((name) => fields.has(name)) ? 1 : 0;
  },

  async parse(ctx: ParseContext) {
    const path = ctx.file.path;
    const reader = ctx.openText();
    try {
      const header: Header = await readHeader(reader, OPTIONS);
      for (const name of REQUIRED) {
        if (!header.has(name)) throw recordError(path, header.record, `an ASSISTments 2009 skill-builder file needs a "${name}" column`);
      }
      const at = (name: string): number => header.index(name) ?? -1;
      const iOrder = at('order_id');
      const iUser = at('user_id');
      const iFirstAction = at('first_action');
      const iCorrect = at('correct');
      const iMs = at('ms_first_response');
      const iAssistment = at('assistment_id');
      const iProblem = at('problem_id');
      const iSkill = at('skill_name');
      const iAnswer = at('answer_text');
      const kept = header.record.fields.map((raw, index) => ({ name: raw.trim(), index })).filter(({ name }) => name !== '' && !MAPPED.has(name));
      const numbers = new NumberReader(path);
      const provenance = {
        format: 'assistments-2009',
        columns: COLUMN_MAP,
        clock: 'order_id: the file has no timestamps, so t_us is the order_id and orders the actions; intervals between them mean nothing, and the session has no wall-clock start',
      };
      const streams = new StreamsByParticipant(ctx.sink, { kind: 'relative' }, provenance);
      let pending: Pending | undefined;
      let negative: { count: number; line: number } | undefined;
      let repeated: { count: number; line: number } | undefined;
      let rows = 0;

      const kindOf = (record: DelimitedRecord): Pick<EventFields, 'kind' | 'outcome' | 'attempt'> => {
        const action = numbers.required(record, iFirstAction, 'first_action');
        if (action === 1 || action === 2) return { kind: 'hint_request', outcome: 'HINT', attempt: null };
        if (action !== 0) throw numbers.error(record, iFirstAction, `first_action "${record.field(iFirstAction) ?? ''}" is not 0 (attempt), 1 (hint) or 2 (scaffolding)`);
        const correct = numbers.required(record, iCorrect, 'correct');
        if (correct !== 0 && correct !== 1) throw numbers.error(record, iCorrect, `correct "${record.field(iCorrect) ?? ''}" is not 1 or 0`);
        return { kind: 'attempt', outcome: correct === 1 ? 'CORRECT' : 'INCORRECT', attempt: 1 };
      };

      for await (const batch of delimitedBatches(reader, OPTIONS)) {
        ctx.sink.progress(reader.bytesRead);
        for (const record of batch) {
          if (record.width !== header.width) checkWidth(path, header, record, 'comma');
          const user = cell(record, iUser);
          if (user === null) throw recordError(path, record, 'user_id is empty', iUser);
          const writer = await streams.writer(user);
          if (!writer.accepted) {
            writer.event(0, { kind: 'refused' });
            continue;
          }
          rows += 1;
          const orderId = numbers.required(record, iOrder, 'order_id');
          if (!Number.isInteger(orderId)) throw numbers.error(record, iOrder, `order_id "${record.field(iOrder) ?? ''}" is not a whole number`);
          const skill = cell(record, iSkill);
          if (pending !== undefined && pending.writer === writer && pending.orderId === orderId) {
            if (skill !== null && !pending.skills.includes(skill)) pending.skills.push(skill);
            repeated ??= { count: 0, line: record.line };
            repeated.count += 1;
            continue;
          }
          flush(pending);

          const ms = iMs < 0 || cell(record, iMs) === null ? null : numbers.read(record, iMs, 'ms_first_response');
          if (ms !== null && ms < 0) {
            negative ??= { count: 0, line: record.line };
            negative.count += 1;
          }
          const attributes: Record<string, unknown> = {};
          for (const { name, index } of kept) {
            const value = cell(record, index);
            if (value === null) continue;
            attributes[name] = NUMERIC.has(name) ? numbers.read(record, index, name) : value;
          }
          pending = {
            writer,
            orderId,
            line: record.line,
            skills: skill === null ? [] : [skill],
            fields: {
              ...kindOf(record),
              durationUs: ms === null || ms < 0 ? null : Math.round(ms * 1000),
              problem: cell(record, iAssistment),
              step: cell(record, iProblem),
              input: cell(record, iAnswer),
              attributes,
            },
          };
        }
      }
      flush(pending);

      if (rows > 0) {
        ctx.sink.warn({
          message: `The file has no timestamps: its ${rows} actions are ordered by order_id, which stands in for time (t_us is the order_id, not microseconds), and their sessions have no wall-clock start; time-based features other than the first-response durations are meaningless for them`,
          location: { file: path, field: 'order_id' },
          count: rows,
        });
      }
      if (repeated !== undefined) {
        ctx.sink.warn({
          message: `${repeated.count} rows repeat the order_id of the row before (first at line ${repeated.line}): the data repeats an action once per skill, so each was kept once with its skills joined by ";"`,
          location: { file: path, line: repeated.line, field: 'order_id' },
          count: repeated.count,
        });
      }
      if (negative !== undefined) {
        ctx.sink.warn({
          message: `column "ms_first_response": ${negative.count} negative values (first at line ${negative.line}) were stored as missing durations (a known fault of the 2009 data)`,
          location: { file: path, line: negative.line, field: 'ms_first_response' },
          count: negative.count,
        });
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
