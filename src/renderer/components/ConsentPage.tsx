import { useMemo, useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { Consent, Participant, Stream, StudyInfo } from '../../core/api/schemas.js';
import type { LiveUpdates } from '../api.js';
import { useStudyData } from '../useStudyData.js';
import { buildConsentMatrix } from '../view/consentMatrix.js';
import { plural } from '../view/format.js';
import { PAGE_TITLES } from '../view/route.js';
import { ConsentHistoryPanel } from './ConsentHistoryPanel.js';
import { ConsentMatrixTable } from './ConsentMatrixTable.js';
import { ConsentRecordForm } from './ConsentRecordForm.js';
import { PageHeader } from './PageHeader.js';
import { PageLayout } from './PageLayout.js';
import { WithdrawalForm } from './WithdrawalForm.js';

interface ConsentPageProps {
  readonly client: WeftClient;
  readonly mode: 'desktop' | 'browser';
  readonly liveUpdates: LiveUpdates;
}

interface ConsentData {
  readonly participants: readonly Participant[];
  readonly consents: readonly Consent[];
  readonly streams: readonly Stream[];
  readonly dataBasis: StudyInfo['data_basis'];
}

async function loadConsent(client: WeftClient): Promise<ConsentData> {
  const [participants, consents, streams, info] = await Promise.all([
    client.call('participant.list', {}),
    client.call('consent.list', {}),
    client.call('stream.list', {}),
    client.call('study.info', {}),
  ]);
  return { participants, consents, streams, dataBasis: info.data_basis };
}

export function ConsentPage({ client, mode, liveUpdates }: ConsentPageProps) {
  const state = useStudyData(client, liveUpdates, loadConsent);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <PageLayout mode={mode} page="consent" state={state} loadingWhat="consent records">
      {(data) => <ConsentContent client={client} data={data} loadedAt={state.loadedAt} selected={selected} onSelect={setSelected} onChanged={state.reload} />}
    </PageLayout>
  );
}

interface ConsentContentProps {
  readonly client: WeftClient;
  readonly data: ConsentData;
  readonly loadedAt: Date | null;
  readonly selected: string | null;
  readonly onSelect: (participantId: string | null) => void;
  readonly onChanged: () => void;
}

function ConsentContent({ client, data, loadedAt, selected, onSelect, onChanged }: ConsentContentProps) {
  const rows = useMemo(() => buildConsentMatrix(data.participants, data.consents), [data]);
  const ids = useMemo(() => data.participants.map((p) => p.participant_id), [data]);
  const shown = selected !== null && ids.includes(selected) ? selected : null;
  return (
    <>
      <PageHeader title={PAGE_TITLES.consent}>
        What each participant agreed to, per modality, from the signed forms. Data of a modality without granted consent is refused at import; a withdrawal deletes the data it covers.
      </PageHeader>
      {data.dataBasis.kind === 'secondary_data' ? (
        <p class="notice" data-data-basis="secondary_data">
          This study re-uses an existing data set under its terms: <q>{data.dataBasis.terms}</q>. Imports do not ask for consent per participant, so
          consent recorded here does not gate them; withdrawing a participant still erases their data.
        </p>
      ) : null}
      <section class="section" aria-labelledby="matrix-heading">
        <div class="section__head">
          <h2 id="matrix-heading">Consent per participant and modality</h2>
          <p class="section__meta">{plural(data.participants.length, 'participant')} · choose a participant to see their history</p>
        </div>
        {rows.length === 0 ? <p class="empty">No participant is enrolled yet: record a consent below to enrol one.</p> : <ConsentMatrixTable rows={rows} selected={shown} onSelect={(id) => onSelect(id === shown ? null : id)} />}
      </section>
      {shown === null ? null : <ConsentHistoryPanel client={client} participantId={shown} loadedAt={loadedAt} />}
      <div class="columns columns--forms">
        <ConsentRecordForm client={client} participantIds={ids} participantId={shown} onRecorded={(consent) => {
          onSelect(consent.participant_id);
          onChanged();
        }} />
        <WithdrawalForm client={client} participants={data.participants} streams={data.streams} participantId={shown} onWithdrawn={onChanged} />
      </div>
    </>
  );
}
