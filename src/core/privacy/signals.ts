/**
 * Whether a named signal is an inference about a person's affect (another tool's confusion or
 * emotion estimate, say), which needs consent to affect inferences on top of its stream's own.
 */
const AFFECT_INFERENCE = /confus|frustrat|bored|engag|concentrat|emotion|affect|valence|arousal|joy|anger|fear|sadness|disgust|contempt|surprise|neutral|off_?task|gaming|confidence_/i;

export function isAffectInference(signalName: string): boolean {
  return AFFECT_INFERENCE.test(signalName);
}
