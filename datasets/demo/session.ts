/**
 * One simulated session on the session clock (the tutor server's): the hidden affect chain,
 * the tutor interaction it drives, and the blinks, glances and fixations all devices observe.
 * The writers then only sample this world on their own clocks.
 */
import { simulateBehaviour, type Behaviour } from './behaviour.js';
import { simulateGaze, type Fixation } from './gaze.js';
import { AffectActivation, LatentAffect } from './latent.js';
import type { Section } from './lesson.js';
import { Rng } from './random.js';
import type { SessionPlan } from './study.js';
import { simulateTutor, type TutorRun } from './tutor.js';

export interface SessionWorld {
  readonly plan: SessionPlan;
  readonly latent: LatentAffect;
  readonly activation: AffectActivation;
  readonly tutor: TutorRun;
  readonly behaviour: Behaviour;
  readonly fixations: readonly Fixation[];
  /** Session-time span every device's recording falls in. */
  readonly fromS: number;
  readonly toS: number;
}

export function simulateSession(seed: number, plan: SessionPlan, lesson: readonly Section[]): SessionWorld {
  const id = plan.participantId;
  const latent = new LatentAffect(Rng.stream(seed, id, 'latent'), plan.traits, plan.variant);
  const tutor = simulateTutor(plan, lesson, latent, Rng.stream(seed, id, 'tutor'), Rng.stream(seed, id, 'transaction-ids'));
  const fromS = Math.min(plan.tracker.recordingStartSessionS, plan.videoOffsetS, 0) - 1;
  const toS = Math.max(plan.tracker.recordingEndSessionS, plan.videoEndSessionS, plan.durationS) + 1;
  latent.advanceTo(toS, { difficulty: 0.2, recentErrors: 0, progress: 1 });
  const behaviour = simulateBehaviour(latent, plan.traits, tutor, fromS, toS, Rng.stream(seed, id, 'behaviour'));
  const fixations = simulateGaze(latent, tutor, behaviour, fromS, toS, Rng.stream(seed, id, 'gaze'));
  const activation = new AffectActivation(latent, fromS, toS);
  return { plan, latent, activation, tutor, behaviour, fixations, fromS, toS };
}
