import { createHmac, randomBytes } from 'node:crypto';

/** A fresh per-study secret for keyed pseudonyms. */
export function newPseudonymKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * A stable keyed pseudonym of a participant id. The audit log refers to participants only this
 * way, so erasing a participant never requires rewriting the append-only log.
 */
export function participantRef(key: string, participantId: string): string {
  return `p_${createHmac('sha256', Buffer.from(key, 'hex')).update(participantId).digest('hex').slice(0, 20)}`;
}
