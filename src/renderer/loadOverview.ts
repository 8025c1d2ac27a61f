import type { WeftClient } from '../core/api/client.js';
import type { Overview } from './view/overview.js';

export async function loadOverview(client: WeftClient): Promise<Overview> {
  const [status, participants, sessions, streams, erasures] = await Promise.all([
    client.call('study.status', {}),
    client.call('participant.list', {}),
    client.call('session.list', {}),
    client.call('stream.list', {}),
    client.call('erasure.list', {}),
  ]);
  return { status, participants, sessions, streams, erasures };
}
