import type { Database } from 'better-sqlite3';

// Work as an office works (issue 14). Each step of a claim keeps who gave it (their display name as it was then)
// and the 审核意见; `step` names the step, since a payment or a recovery leaves the status where it was.
// Separation of duties (职责分离) is an office rule, on unless an administrator turns it off with a reason.
//
// Part of a released migration once shipped: never edit.
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE office ADD COLUMN separation_of_duties INTEGER NOT NULL DEFAULT 1 CHECK (separation_of_duties IN (0,1));
    ALTER TABLE office ADD COLUMN separation_of_duties_reason TEXT;
    ALTER TABLE exhibition_claim_event ADD COLUMN step TEXT;
    ALTER TABLE exhibition_claim_event ADD COLUMN opinion TEXT;
    ALTER TABLE exhibition_claim_event ADD COLUMN actor_name TEXT;
    -- Earlier events: the step follows from the status they moved to; their comment was the opinion.
    UPDATE exhibition_claim_event SET step = CASE to_status
      WHEN 'draft' THEN 'create' WHEN 'submitted' THEN 'submit' WHEN 'first_review' THEN 'first_review'
      WHEN 'second_review' THEN 'second_review' WHEN 'publicity' THEN 'publish' WHEN 'approved' THEN 'approve'
      WHEN 'paid' THEN 'pay' WHEN 'returned' THEN 'return' WHEN 'rejected' THEN 'reject' END
    WHERE from_status IS NOT to_status OR to_status = 'draft';
    UPDATE exhibition_claim_event SET step = 'recover' WHERE step IS NULL AND comment LIKE '收回资金%';
    UPDATE exhibition_claim_event SET opinion = comment WHERE step IN ('return', 'reject');
    UPDATE exhibition_claim_event SET actor_name = (SELECT display_name FROM app_user u WHERE u.username = exhibition_claim_event.created_by);
  `);
}
