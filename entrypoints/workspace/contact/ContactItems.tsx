// The person's open deals, cases and candidacies on their page, each stage changed in place.
import { PersonItems } from '../../../components/PersonItems';
import { moveItemTo } from '../../../storage/pipelines';
import { itemPath } from '../routes';

export function ContactItems({ contactId }: { contactId: string }) {
  return <PersonItems contactId={contactId} onMove={(id, stageId) => moveItemTo(id, stageId)} href={(id) => `#${itemPath(id)}`} />;
}
