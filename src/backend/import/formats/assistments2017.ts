import type { DelimitedOptions } from '../textReader.js';
import type { Importer, ParseContext } from '../types.js';
import { StreamsByParticipant } from './logStreams.js';
import { cell } from './logDataShop.js';
import { delimitedBatches } from './logLines.js';
import { type Header, NumberReader, checkWidth, commaHeader, readHeader, recordError } from './tabular.js';

const OPTIONS: DelimitedOptions = { delimiter: ',', quote: '"' };
const REQUIRED = ['studentId', 'startTime', 'correct', 'hint'] as const;
const SIGNATURE = ['studentId', 'action_num', 'startTime', 'endTime', 'timeTaken', 'frIsHelpRequest'] as const;

/** The competition's sensor-free affect detector outputs, kept as signals on each action's time. */
export const ASSISTMENTS_AFFECT_SIGNALS: readonly { readonly column: string; readonly signal: string }[] = [
  { column: 'confidence(BORED)', signal: 'confidence_bored' },
  { column: 'confidence(CONCENTRATING)', signal: 'confidence_concentrating' },
  { column: 'confidence(CONFUSED)', signal: 'confidence_confused' },
  { column: 'confidence(FRUSTRATED)', signal: 'confidence_frustrated' },
  { column: 'confidence(OFF TASK)', signal: 'confidence_off_task' },
  { column: 'confidence(GAMING)', signal: 'confidence_gaming' },
  { column: 'RES_BORED', signal: 'res_bored' },
  { column: 'RES_CONCENTRATING', signal: 'res_concentrating' },
  { column: 'RES_CONFUSED', signal: 'res_confused' },
  { column: 'RES_FRUSTRATED', signal: 'res_frustrated' },
  { column: 'RES_OFFTASK', signal: 'res_off_task' },
  { column: 'RES_GAMING', signal: 'res_gaming' },
];

/**
 * Student-level demographics and later outcomes the competition file repeats on every action.
 * They are not interaction-log data, and a participant's consent to interaction logs does not
 * cover them (Weft's `demographics` modality would), so they are not stored.
 */
const NOT_KEPT = ['InferredGender', 'MCAS', 'Enrolled', 'Selective', 'isSTEM'] as const;
/** Columns whose values are text; every other kept column is a number. */
const TEXT = new Set(['studentId', 'SY ASSISTments Usage', 'skill', 'problemType', 'problemId', 'assignmentId', 'assistmentId', 'MiddleSchoolId', 'action_num']);
const MAPPED = new Set(['studentId', 'startTime', 'timeTaken', 'assistmentId', 'problemId', 'skill']);

const COLUMN_MAP = {
  studentId: 'participant',
  startTime: 't_us (UNIX seconds)',
  timeTaken: 'duration_us (seconds)',
  hint: 'kind (1: hint_request with outcome HINT; 0: attempt)',
  correct: 'outcome of attempts (1: CORRECT, 0: INCORRECT)',
  assistmentId: 'problem',
  problemId: 'step',
  skill: 'skill ("noskill" is missing)',
  ...Object.fromEntries(ASSISTMENTS_AFFECT_SIGNALS.map(({ column, signal }) => [column, `signal ${signal} (and attributes.${column})`])),
  [NOT_KEPT.join(', ')]: 'not kept: student demographics and outcomes, outside interaction-log consent',
  'other columns': 'attributes.<column> (the competition features such as frPast5HelpRequest and consecutiveErrorsInRow, BKT estimates, student averages), numbers except ids and names',
};

/**
 * The ASSISTments Longitudinal Data Mining Competition 2017 action log: one row per student
 * action with the competition's derived features and the outputs of its affect detectors.
 */
export const assistments2017: Importer = {
  format: 'assistments-2017',
  title: 'ASSISTments 2017 data-mining competition actions',
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
        if (!header.has(name)) throw recordError(path, header.record, `an ASSISTments 2017 competition file needs a "${name}" column`);
      }
      const at = (name: string): number => header.index(name) ?? -1;
      const iStudent = at('studentId');
      const iStart = at('startTime');
      const iTaken = at('timeTaken');
      const iHint = at('hint');
      const iCorrect = at('correct');
      const iAssistment = at('assistmentId');
      const iProblem = at('problemId');
      const iSkill = at('skill');
      const signals = ASSISTMENTS_AFFECT_SIGNALS.filter(({ column }) => header.has(column)).map((s) => ({ ...s, index: at(s.column) }));
      const skipped = new Set<string>([...MAPPED, ...NOT_KEPT]);
      const kept = header.record.fields.map((raw, index) => ({ name: raw.trim(), index })).filter(({ name }) => name !== '' && !skipped.has(name));
      const numbers = new NumberReader(path);
      const provenance = {
        format: 'assistments-2017',
        columns: COLUMN_MAP,
        signals: Object.fromEntries(signals.map(({ column, signal }) => [signal, column])),
        not_kept: NOT_KEPT.filter((name) => header.has(name)),
        sample: 'the competition file is a sample of actions, not whole sequences: features computed over a session here see only the sampled actions',
      };
      const streams = new StreamsByParticipant(ctx.sink, { kind: 'epoch' }, provenance);

      for await (const batch of delimitedBatches(reader, OPTIONS)) {
        ctx.sink.progress(reader.bytesRead);
        for (const record of batch) {
          if (record.width !== header.width) checkWidth(path, header, record, 'comma');
          const student = cell(record, iStudent);
          if (student === null) throw recordError(path, record, 'studentId is empty', iStudent);
          const writer = await streams.writer(student);
          if (!writer.accepted) {
            writer.event(0, { kind: 'refused' });
            continue;
          }
          const start = numbers.required(record, iStart, 'startTime');
          const taken = iTaken < 0 || cell(record, iTaken) === null ? null : numbers.read(record, iTaken, 'timeTaken');
          const hint = numbers.required(record, iHint, 'hint');
          const correct = numbers.required(record, iCorrect, 'correct');
          if (hint !== 0 && hint !== 1) throw numbers.error(record, iHint, `hint "${record.field(iHint) ?? ''}" is not 1 or 0`);
          if (correct !== 0 && correct !== 1) throw numbers.error(record, iCorrect, `correct "${record.field(iCorrect) ?? ''}" is not 1 or 0`);
          const skill = cell(record, iSkill);
          const detected = new Map<number, number | null>();
          for (const { column, index } of signals) detected.set(index, cell(record, index) === null ? null : numbers.read(record, index, column));
          const attributes: Record<string, unknown> = {};
          for (const { name, index } of kept) {
            const value = cell(record, index);
            if (value === null) continue;
            attributes[name] = TEXT.has(name) ? value : detected.has(index) ? detected.get(index) : numbers.read(record, index, name);
          }
          if (skill !== null) attributes['skill'] = skill;
          const t = Math.round(start * 1e6);
          writer.event(
            t,
            {
              kind: hint === 1 ? 'hint_request' : 'attempt',
              outcome: hint === 1 ? 'HINT' : correct === 1 ? 'CORRECT' : 'INCORRECT',
              durationUs: taken === null ? null : Math.round(taken * 1e6),
              problem: cell(record, iAssistment),
              step: cell(record, iProblem),
              skill: skill === null || skill === 'noskill' ? null : skill,
              attributes,
            },
            record.line,
          );
          for (const { signal, index } of signals) writer.signal(t, signal, detected.get(index) ?? null, record.line);
        }
      }
      numbers.flushWarnings(ctx.sink);
    } finally {
      await reader.close();
    }
  },
};
