import type { Study } from '../store/study.js';

export interface ConsentRefusal {
  readonly session_id: string;
  readonly participant_id: string;
  readonly consent: string;
}

/**
 * Sessions whose participant may have affect inferred, and those refused. Predictions are affect
 * inferences: they pass the same gate as annotations do at import (granted consent to
 * affect_inferences, or a study of secondary data used under its stated terms).
 */
export async function affectConsent(study: Study, sessionIds: readonly string[]): Promise<{ allowed: string[]; refused: ConsentRefusal[] }> {
  const rows = await study.db.read((conn) =>
    conn.all(`SELECT s.session_id, s.participant_id, c.state FROM sessions s
LEFT JOIN consents c ON c.participant_id = s.participant_id AND c.modality = 'affect_inferences'`),
  );
  const wanted = new Set(sessionIds);
  const secondary = study.file.settings.data_basis.kind === 'secondary_data';
  const allowed: string[] = [];
  const refused: ConsentRefusal[] = [];
  for (const r of rows) {
    const sessionId = String(r['session_id']);
    if (!wanted.has(sessionId)) continue;
    const state = r['state'] === null || r['state'] === undefined ? 'missing' : String(r['state']);
    if (secondary || state === 'granted') allowed.push(sessionId);
    else refused.push({ session_id: sessionId, participant_id: String(r['participant_id']), consent: state });
  }
  return { allowed: sessionIds.filter((id) => allowed.includes(id)), refused };
}
