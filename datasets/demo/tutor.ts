/**
 * Simulates one student working through the tutor: when each attempt or hint request
 * happens, whether it is right, what was typed and clicked. The hidden affect state is read
 * at every decision, and the step being worked on and recent errors feed back into it.
 */
import { CONFUSED, FRUSTRATED, affectName, type AffectState, type LatentAffect } from './latent.js';
import type { Problem, Section, Step } from './lesson.js';
import { clamp, type Rng } from './random.js';
import { checkButton, doneButton, fieldCentre, hintButton, menuCentre, menuEntry, type Point } from './screen.js';
import type { SessionPlan } from './study.js';

export type ResponseType = 'ATTEMPT' | 'HINT_REQUEST';
export type Outcome = 'CORRECT' | 'INCORRECT' | 'HINT';

export interface Transaction {
  readonly id: string;
  /** 1-based position in the student's session. */
  readonly ordinal: number;
  /** When the tutor server logged it, session seconds: what DataShop's `Time` shows. */
  readonly tS: number;
  /** When the student clicked, session seconds. */
  readonly clickS: number;
  readonly section: Section;
  readonly problem: Problem;
  readonly problemStartS: number;
  readonly step: Step;
  readonly responseType: ResponseType;
  readonly outcome: Outcome;
  readonly selection: string;
  readonly action: string;
  readonly input: string;
  readonly feedback: string;
  readonly helpLevel: number | null;
  readonly totalHints: number | null;
  readonly attemptAtStep: number;
  readonly isLastAttempt: boolean;
  readonly state: AffectState;
}

export interface ProblemVisit {
  readonly section: Section;
  readonly problem: Problem;
  readonly startS: number;
  readonly endS: number;
  readonly completed: boolean;
}

export interface Click {
  readonly tS: number;
  readonly x: number;
  readonly y: number;
}

export interface KeyPress {
  readonly tS: number;
  /** Windows virtual-key code. */
  readonly code: number;
  /** .NET `Keys` name, as Tobii Studio writes it in `Descriptor`. */
  readonly name: string;
}

export interface TutorRun {
  readonly transactions: readonly Transaction[];
  readonly visits: readonly ProblemVisit[];
  readonly clicks: readonly Click[];
  readonly keys: readonly KeyPress[];
}

/** Multipliers of thinking time before a first try, by state (concentrating, confused, frustrated, bored). */
const FIRST_TRY_PACE = [1, 1.8, 0.55, 1.45];
const RETRY_PACE = [1, 1.6, 0.35, 1.3];
const HINT_READING_S = [6, 8, 1.3, 5];
const HINT_FIRST = [0.03, 0.2, 0.26, 0.06];
const HINT_MORE = [0.15, 0.35, 0.8, 0.3];
const ERROR_BY_STATE = [0, 0.3, 0.32, 0.1];
const QUIZ_TRIES = 3;

const press = (code: number, name: string): KeyPress => ({ tS: 0, code, name });

/** The key presses that type one character on a US keyboard. */
function keysFor(ch: string): KeyPress[] {
  if (ch >= '0' && ch <= '9') return [press(48 + Number(ch), `D${ch}`)];
  if (ch >= 'a' && ch <= 'z') return [press(ch.toUpperCase().charCodeAt(0), ch.toUpperCase())];
  switch (ch) {
    case '=': return [press(187, 'Oemplus')];
    case '+': return [press(16, 'ShiftKey'), press(187, 'Oemplus')];
    case '-': return [press(189, 'OemMinus')];
    case '/': return [press(191, 'OemQuestion')];
    case '.': return [press(190, 'OemPeriod')];
    default: return [];
  }
}

export function simulateTutor(plan: SessionPlan, lesson: readonly Section[], latent: LatentAffect, rng: Rng, idRng: Rng): TutorRun {
  const traits = plan.traits;
  const end = plan.durationS;
  const transactions: Transaction[] = [];
  const visits: ProblemVisit[] = [];
  const clicks: Click[] = [];
  const keys: KeyPress[] = [];
  const errorTimes: number[] = [];
  let difficulty = 0.2;
  const pace = 1.3 - 0.5 * traits.skill;

  const advance = (at: number): number => {
    let recent = 0;
    for (let i = errorTimes.length - 1; i >= 0 && (errorTimes[i] ?? 0) > at - 30; i--) recent++;
    latent.advanceTo(at, { difficulty, recentErrors: recent, progress: Math.min(at / end, 1) });
    return latent.stateAt(at);
  };
  const click = (tS: number, p: Point): void => {
    clicks.push({ tS, x: Math.round(p[0] + rng.normal(0, 6)), y: Math.round(p[1] + rng.normal(0, 3)) });
  };
  const type = (from: number, until: number, erase: number, text: string, state: number, row: number): void => {
    const presses: KeyPress[] = [];
    for (let i = 0; i < erase; i++) presses.push(press(8, 'Back'));
    for (const ch of text) presses.push(...keysFor(ch));
    const speed = traits.keystrokeS * (state === FRUSTRATED ? 0.75 : state === CONFUSED ? 1.2 : 1);
    const gaps = presses.map((p, i) => (p.code === 8 ? 0.09 : presses[i - 1]?.code === 16 ? 0.06 : speed) * rng.lognormal(1, 0.25));
    const total = gaps.reduce((a, b) => a + b, 0);
    const fieldClickAt = Math.max(from + 0.1, until - total - rng.range(0.2, 0.45));
    click(fieldClickAt, fieldCentre(row));
    const span = Math.max(until - fieldClickAt - 0.1, 0.04 * presses.length);
    const scale = total > span ? span / total : 1;
    let at = until - total * scale;
    presses.forEach((p, i) => {
      keys.push({ ...p, tS: at });
      at += (gaps[i] ?? 0) * scale;
    });
  };

  let t = rng.range(1.5, 3);
  let ordinal = 0;
  let stop = false;
  for (let si = 0; si < lesson.length && !stop; si++) {
    const section = lesson[si];
    if (!section) continue;
    const last = si === lesson.length - 1;
    if (si > 0) t += rng.range(2, 4);
    for (const problem of section.problems) {
      if (t >= end || (!last && t >= section.endFraction * end)) break;
      const problemStartS = t;
      let completed = false;
      let endS = end;
      for (let k = 0; k < problem.steps.length && !stop; k++) {
        const step = problem.steps[k];
        if (!step) continue;
        difficulty = step.difficulty;
        const stepTx: Transaction[] = [];
        let help = 0;
        let errors = 0;
        let previous: 'start' | 'error' | 'hint' = 'start';
        let lastInput = '';
        for (;;) {
          const s0 = advance(t);
          const base = step.kind === 'solve' ? 11 * (0.6 + step.difficulty) : step.kind === 'explain' ? 6 * (0.7 + step.difficulty) : 1.6;
          let think: number;
          if (previous === 'hint') think = rng.lognormal((HINT_READING_S[s0] ?? 5) * (help === step.hints.length ? 1.2 : 1), 0.4);
          else if (previous === 'error') think = rng.lognormal(5 * (0.6 + step.difficulty) * (RETRY_PACE[s0] ?? 1) * pace, 0.45);
          else think = rng.lognormal(base * (FIRST_TRY_PACE[s0] ?? 1) * pace, 0.45);
          if (k === 0 && previous === 'start') think += rng.range(2, 5) * (problem.steps.length > 2 ? 1.4 : 1);
          const typing = step.kind === 'solve' ? 0.12 * (step.input.length + 2) + (previous === 'error' ? 0.09 * lastInput.length : 0) : 0;
          think = Math.max(think, 0.8 + typing);
          const clickS = t + think;
          if (clickS >= end) {
            stop = true;
            break;
          }
          const s = advance(clickS);
          const tS = clickS + clamp(rng.lognormal(0.07, 0.35), 0.02, 0.4);
          const shared = {
            id: idRng.hex(32), tS, clickS, section, problem, problemStartS, step, state: affectName(s),
          };
          const canHint = section.hintsEnabled && help < step.hints.length;
          let pHint = help > 0 ? (HINT_MORE[s] ?? 0) : (HINT_FIRST[s] ?? 0) + 0.1 * (step.difficulty - 0.4);
          pHint += 0.15 * errors + (errors >= 3 ? 0.3 : 0);
          if (canHint && rng.chance(clamp(pHint, 0, 0.95))) {
            help++;
            ordinal++;
            stepTx.push({
              ...shared, ordinal, responseType: 'HINT_REQUEST', outcome: 'HINT', selection: 'hint', action: 'ButtonPressed',
              input: '-1', feedback: step.hints[help - 1] ?? '', helpLevel: help, totalHints: step.hints.length,
              attemptAtStep: stepTx.length + 1, isLastAttempt: false,
            });
            click(clickS, hintButton);
            previous = 'hint';
            t = clickS;
            continue;
          }
          let pError = 0.06 + 0.5 * step.difficulty * (1.25 - traits.skill) + (ERROR_BY_STATE[s] ?? 0);
          if (previous === 'error') pError += s === FRUSTRATED ? 0.1 : -0.05;
          pError -= 0.1 * help;
          if (step.hints.length > 0 && help >= step.hints.length) pError = 0.03;
          if (step.kind === 'explain') pError *= 0.6;
          if (stepTx.length >= 10) pError = 0;
          const wrong = step.kind !== 'done' && step.wrong.length > 0 && rng.chance(clamp(pError, 0.01, 0.92));
          let input = step.input;
          let feedback = '';
          if (wrong) {
            if (step.kind === 'solve' && s === FRUSTRATED && rng.chance(0.4)) {
              let guess = step.input;
              while (guess === step.input) guess = `x=${rng.int(-9, 12)}`;
              input = guess;
            } else {
              const w = step.wrong[rng.weightedIndex(step.wrong.map((_, i) => (i === 0 ? 3 : 1)))];
              input = w?.input ?? step.input;
              feedback = w?.feedback ?? '';
            }
          }
          if (step.kind === 'solve') {
            type(t, clickS - rng.range(0.35, 0.8), previous === 'error' ? lastInput.length : 0, input, s, step.row);
            click(clickS, checkButton(step.row));
          } else if (step.kind === 'explain') {
            click(Math.max(t + 0.2, clickS - rng.range(0.6, 1.4)), menuCentre(step.row));
            click(clickS, menuEntry(step.row, Math.max(step.choices.indexOf(input), 0)));
          } else {
            click(clickS, doneButton);
          }
          lastInput = input;
          ordinal++;
          const giveUp = wrong && !section.hintsEnabled && errors + 1 >= QUIZ_TRIES;
          stepTx.push({
            ...shared, ordinal, responseType: 'ATTEMPT', outcome: wrong ? 'INCORRECT' : 'CORRECT', selection: step.selection,
            action: step.action, input, feedback, helpLevel: null, totalHints: null, attemptAtStep: stepTx.length + 1,
            isLastAttempt: !wrong || giveUp,
          });
          t = clickS;
          if (!wrong || giveUp) break;
          errors++;
          errorTimes.push(clickS);
          previous = 'error';
        }
        const lastTx = stepTx[stepTx.length - 1];
        if (lastTx && !lastTx.isLastAttempt) stepTx[stepTx.length - 1] = { ...lastTx, isLastAttempt: true };
        transactions.push(...stepTx);
        if (!stop && step.kind === 'done') {
          completed = true;
          endS = t + 0.3;
        }
      }
      visits.push({ section, problem, startS: problemStartS, endS: Math.min(endS, end), completed });
      if (stop) break;
      t += rng.range(0.8, 1.6);
    }
  }
  latent.advanceTo(end, { difficulty: 0.2, recentErrors: 0, progress: 1 });
  clicks.sort((a, b) => a.tS - b.tS);
  keys.sort((a, b) => a.tS - b.tS);
  return { transactions, visits, clicks, keys };
}

