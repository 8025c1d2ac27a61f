/**
 * The tutored lesson: solving linear equations, in four time-boxed sections. Each problem is a
 * short sequence of tutor steps (the equation after one transformation), each step tagged with
 * its knowledge components, three levels of hints and the typical wrong answers the tutor
 * recognises. Variant A interleaves worked examples (the student explains each shown step)
 * with problems; variant B is all problem solving, which is harder.
 */
import { Rng } from './random.js';
import type { VariantId } from './study.js';

export type SectionId = 'intro' | 'practice1' | 'practice2' | 'quiz';
export type StepKind = 'solve' | 'explain' | 'done';

export interface WrongAnswer {
  readonly input: string;
  /** Tutor's buggy-rule message; empty when the tutor only marks the answer wrong. */
  readonly feedback: string;
}

export interface Step {
  /** DataShop `Step Name`: the step's selection and action, as CTAT names steps. */
  readonly name: string;
  readonly kind: StepKind;
  /** Worksheet row the step is entered in, 1-based; 0 for the Done button. */
  readonly row: number;
  readonly selection: string;
  readonly action: string;
  readonly input: string;
  readonly kcs: readonly string[];
  /** 0 (trivial) to 1 (hard). */
  readonly difficulty: number;
  readonly hints: readonly string[];
  readonly wrong: readonly WrongAnswer[];
  /** Menu entries offered for an explanation step, the correct one included. */
  readonly choices: readonly string[];
}

export interface Problem {
  readonly name: string;
  readonly equation: string;
  readonly itemDifficulty: 'easy' | 'medium' | 'hard';
  readonly workedExample: boolean;
  readonly steps: readonly Step[];
}

export interface Section {
  readonly id: SectionId;
  /** DataShop `Level (Section)`. */
  readonly name: string;
  /** The section closes after the problem in progress at this fraction of the session. */
  readonly endFraction: number;
  readonly hintsEnabled: boolean;
  readonly problems: readonly Problem[];
}

export const KC = {
  subtract: 'subtract-constant',
  divide: 'divide-by-coefficient',
  collect: 'collect-variable-terms',
  distribute: 'distribute',
  negatives: 'negative-numbers',
} as const;

type EquationKind = 'ONE-STEP' | 'TWO-STEP' | 'BOTH-SIDES' | 'DISTRIBUTE';

/** Left or right side `a x + b` as the tutor displays it ("3x + 5", "x - 4", "7"). */
function side(a: number, b: number): string {
  const term = a === 0 ? '' : a === 1 ? 'x' : a === -1 ? '-x' : `${a}x`;
  if (term === '') return String(b);
  if (b === 0) return term;
  return b > 0 ? `${term} + ${b}` : `${term} - ${-b}`;
}

const equation = (a: number, b: number, c: number, d: number): string => `${side(a, b)} = ${side(c, d)}`;
/** What a student types: no spaces. */
const typed = (pretty: string): string => pretty.replace(/ /g, '');

interface Transform {
  readonly result: string;
  readonly kcs: readonly string[];
  readonly difficulty: number;
  readonly hints: readonly string[];
  readonly wrong: readonly WrongAnswer[];
  readonly reason: string;
  readonly distractors: readonly string[];
}

function subtractStep(a: number, b: number, c: number, difficulty: number): Transform {
  const result = equation(a, 0, 0, c - b);
  const verb = b > 0 ? `Subtract ${b} from` : `Add ${-b} to`;
  const opposite = b > 0 ? `Add ${b} to` : `Subtract ${-b} from`;
  const negative = b < 0 || c - b < 0;
  return {
    result,
    kcs: negative ? [KC.subtract, KC.negatives] : [KC.subtract],
    difficulty: difficulty + (negative ? 0.1 : 0),
    hints: [
      'What can you do to both sides to get the x-term by itself?',
      `${verb} both sides of the equation.`,
      `${c} ${b > 0 ? '-' : '+'} ${Math.abs(b)} = ${c - b}. Enter ${result}.`,
    ],
    wrong: [
      { input: typed(equation(a, 0, 0, c + b)), feedback: `It looks like you did the opposite. To undo ${b > 0 ? '+' : '-'} ${Math.abs(b)}, ${verb.toLowerCase()} both sides.` },
      { input: typed(equation(a, 0, 0, c - b + 1)), feedback: '' },
      { input: typed(equation(a, 0, 0, c - b - 1)), feedback: '' },
      { input: typed(equation(a, b, 0, c - b)), feedback: `You need to ${verb.toLowerCase()} both sides, not just the right side.` },
    ],
    reason: `${verb} both sides`,
    distractors: [`${opposite} both sides`, `Divide both sides by ${Math.abs(b)}`],
  };
}

function divideStep(a: number, value: number, difficulty: number): Transform {
  const c = a * value;
  const result = `x = ${value}`;
  const negative = a < 0 || value < 0;
  return {
    result,
    kcs: negative ? [KC.divide, KC.negatives] : [KC.divide],
    difficulty: difficulty + (negative ? 0.1 : 0),
    hints: [
      `x is multiplied by ${a}. How do you undo multiplication?`,
      `Divide both sides by ${a}.`,
      `${c} divided by ${a} is ${value}. Enter ${result}.`,
    ],
    wrong: [
      { input: `x=${c * a}`, feedback: `You multiplied by ${a}. To undo multiplying by ${a}, divide both sides by ${a}.` },
      { input: `x=${c - a}`, feedback: `x is multiplied by ${a}, not added to it. Divide both sides by ${a}.` },
      { input: `x=${-value}`, feedback: 'Check the sign of your answer.' },
      { input: `x=${value + 1}`, feedback: '' },
    ],
    reason: `Divide both sides by ${a}`,
    distractors: [`Multiply both sides by ${a}`, `Subtract ${a} from both sides`],
  };
}

function collectStep(a: number, b: number, c: number, d: number, difficulty: number): Transform {
  const result = equation(a - c, b, 0, d);
  return {
    result,
    kcs: [KC.collect],
    difficulty,
    hints: [
      'There are x-terms on both sides. How can you get them all on one side?',
      `Subtract ${c}x from both sides.`,
      `${a}x - ${c}x = ${a - c}x. Enter ${result}.`,
    ],
    wrong: [
      { input: typed(equation(a + c, b, 0, d)), feedback: `You added ${c}x. To remove ${c}x from the right side, subtract ${c}x from both sides.` },
      { input: typed(equation(a - c, b, c, d)), feedback: `Subtract ${c}x from both sides, not only from the left side.` },
      { input: typed(equation(a - c - 1, b, 0, d)), feedback: '' },
    ],
    reason: `Subtract ${c}x from both sides`,
    distractors: [`Add ${c}x to both sides`, `Divide both sides by ${c}`],
  };
}

function distributeStep(a: number, b: number, c: number, difficulty: number): Transform {
  const result = equation(a, a * b, 0, c);
  return {
    result,
    kcs: b < 0 ? [KC.distribute, KC.negatives] : [KC.distribute],
    difficulty: difficulty + (b < 0 ? 0.1 : 0),
    hints: [
      'Start by getting rid of the parentheses.',
      `Multiply ${a} by x and ${a} by ${b}.`,
      `${a} times ${b} is ${a * b}. Enter ${result}.`,
    ],
    wrong: [
      { input: typed(equation(a, b, 0, c)), feedback: `Multiply ${a} by both terms inside the parentheses.` },
      { input: typed(equation(a, a + b, 0, c)), feedback: `You added ${a} and ${b}; multiply them instead.` },
      { input: typed(equation(1, a * b, 0, c)), feedback: `Multiply ${a} by x too.` },
    ],
    reason: `Multiply out the parentheses`,
    distractors: [`Divide both sides by ${a}`, b > 0 ? `Subtract ${b} from both sides` : `Add ${-b} to both sides`],
  };
}

function makeSteps(transforms: readonly Transform[], workedExample: boolean, rng: Rng): Step[] {
  const steps: Step[] = transforms.map((t, i) => {
    const row = i + 1;
    if (!workedExample) {
      const selection = `solve_r${row}`;
      return {
        name: `${selection} UpdateTextField`, kind: 'solve', row, selection, action: 'UpdateTextField',
        input: typed(t.result), kcs: t.kcs, difficulty: t.difficulty, hints: t.hints, wrong: t.wrong, choices: [],
      } satisfies Step;
    }
    const selection = `explain_r${row}`;
    const choices = [t.reason, ...t.distractors];
    for (let k = choices.length - 1; k > 0; k--) {
      const j = rng.int(0, k);
      const tmp = choices[k] ?? '';
      choices[k] = choices[j] ?? '';
      choices[j] = tmp;
    }
    return {
      name: `${selection} UpdateComboBox`, kind: 'explain', row, selection, action: 'UpdateComboBox',
      input: t.reason, kcs: t.kcs, difficulty: t.difficulty * 0.55,
      hints: ['Compare this line with the line above it. What changed on both sides?', `The step was: ${t.reason}.`],
      wrong: t.distractors.map((d) => ({ input: d, feedback: '' })), choices,
    } satisfies Step;
  });
  steps.push({
    name: 'done ButtonPressed', kind: 'done', row: 0, selection: 'done', action: 'ButtonPressed', input: '-1',
    kcs: [], difficulty: 0.02, hints: [], wrong: [], choices: [],
  });
  return steps;
}

function nonZero(rng: Rng, low: number, high: number): number {
  let v = 0;
  while (v === 0) v = rng.int(low, high);
  return v;
}

function makeProblem(kind: EquationKind, name: string, workedExample: boolean, rng: Rng): Problem {
  const x = nonZero(rng, -6, 9);
  switch (kind) {
    case 'ONE-STEP': {
      if (rng.chance(0.5)) {
        const b = rng.int(2, 12);
        return {
          name, equation: equation(1, b, 0, x + b), itemDifficulty: 'easy', workedExample,
          steps: makeSteps([subtractStep(1, b, x + b, 0.12)], workedExample, rng),
        };
      }
      const a = rng.int(2, 9);
      return {
        name, equation: equation(a, 0, 0, a * x), itemDifficulty: 'easy', workedExample,
        steps: makeSteps([divideStep(a, x, 0.18)], workedExample, rng),
      };
    }
    case 'TWO-STEP': {
      const a = rng.int(2, 9);
      const b = nonZero(rng, -9, 12);
      const c = a * x + b;
      return {
        name, equation: equation(a, b, 0, c), itemDifficulty: 'medium', workedExample,
        steps: makeSteps([subtractStep(a, b, c, 0.35), divideStep(a, x, 0.3)], workedExample, rng),
      };
    }
    case 'BOTH-SIDES': {
      const c = rng.int(1, 5);
      const a = c + rng.int(2, 6);
      const b = nonZero(rng, -8, 10);
      const d = (a - c) * x + b;
      return {
        name, equation: equation(a, b, c, d), itemDifficulty: 'hard', workedExample,
        steps: makeSteps(
          [collectStep(a, b, c, d, 0.6), subtractStep(a - c, b, d, 0.45), divideStep(a - c, x, 0.35)],
          workedExample, rng,
        ),
      };
    }
    case 'DISTRIBUTE': {
      const a = rng.int(2, 6);
      const b = nonZero(rng, -6, 8);
      const c = a * (x + b);
      return {
        name, equation: `${a}(${side(1, b)}) = ${c}`, itemDifficulty: 'hard', workedExample,
        steps: makeSteps(
          [distributeStep(a, b, c, 0.6), subtractStep(a, a * b, c, 0.45), divideStep(a, x, 0.35)],
          workedExample, rng,
        ),
      };
    }
  }
}

/**
 * The problem sets of one variant. Everyone in a variant gets the same problems in the same
 * order, as a real tutor's curriculum would; a section ends when its time is up.
 */
export function buildLesson(seed: number, variant: VariantId): Section[] {
  const rng = Rng.stream(seed, 'lesson', variant);
  const counters = new Map<string, number>();
  const problem = (kind: EquationKind, worked: boolean): Problem => {
    const key = `${worked ? 'WE-' : ''}${kind}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return makeProblem(kind, `${key}-${String(n).padStart(2, '0')}`, worked, rng);
  };
  const practice = (kinds: readonly EquationKind[], count: number): Problem[] => {
    const out: Problem[] = [];
    for (let i = 0; i < count; i++) {
      const kind = kinds[i % kinds.length] ?? 'TWO-STEP';
      const worked = variant === 'A' && i % 2 === 0;
      out.push(problem(kind, worked));
    }
    return out;
  };
  const quizKinds: readonly EquationKind[] = ['TWO-STEP', 'BOTH-SIDES', 'DISTRIBUTE'];
  const quiz: Problem[] = [];
  const quizRng = Rng.stream(seed, 'lesson', 'quiz');
  for (let i = 0; i < 12; i++) {
    const kind = quizKinds[i % quizKinds.length] ?? 'TWO-STEP';
    quiz.push(makeProblem(kind, `QUIZ-${String(i + 1).padStart(2, '0')}`, false, quizRng));
  }
  return [
    { id: 'intro', name: 'Intro', endFraction: 0.12, hintsEnabled: true, problems: practice(['ONE-STEP'], 12) },
    { id: 'practice1', name: 'Practice 1', endFraction: 0.45, hintsEnabled: true, problems: practice(['TWO-STEP'], 24) },
    { id: 'practice2', name: 'Practice 2', endFraction: 0.78, hintsEnabled: true, problems: practice(['BOTH-SIDES', 'BOTH-SIDES', 'DISTRIBUTE', 'DISTRIBUTE'], 24) },
    { id: 'quiz', name: 'Quiz', endFraction: 1, hintsEnabled: false, problems: quiz },
  ];
}
