import { canEditWork, canReadWork, isStaff, type Actor, type WorkAccessFacts } from '../govern/roles.js';

/** What decides who may see a watermarked copy's record (a `watermark_copies` row). */
export interface CopyAccessFacts {
  recipient_id: string | null;
  issued_by: string | null;
  purpose: string;
}

/**
 * Whether `actor` may see which copy a watermark names (its serial, work and recipient): staff and
 * those who manage the work see every copy; a person sees the copies made for them or by them; and
 * anyone who may read the work sees its public display copies. Everyone else learns only that the
 * mark is this archive's — a serial would let them tell whose private copy leaked, and when.
 */
export function canSeeCopy(actor: Actor, copy: CopyAccessFacts, work: WorkAccessFacts | undefined): boolean {
  if (actor.kind !== 'user') return false;
  if (isStaff(actor) || (work && canEditWork(actor, work))) return true;
  if (copy.recipient_id === actor.id || copy.issued_by === actor.id) return true;
  return copy.purpose === 'public' && work !== undefined && canReadWork(actor, work);
}
