// The office's workflow of a claim (参展补贴申请): its steps, who may give each one, and separation of duties
// (职责分离). The detail screen draws only what `allowedActions` returns, so the rules live here alone.
import type { Actor, Ctx, Role } from '../context.js';
import { hasRole, ROLE_LABEL } from '../context.js';
import { AppError } from '../result.js';
import { separationOfDuties } from '../office/service.js';
import { fmtYuan } from './money.js';
import * as q from './queries.js';
import { EDITABLE_STATUSES, FROZEN_STATUSES, STATUS_LABEL, type ClaimRow, type ClaimStatus } from './schema.js';

export type ClaimStep = 'submit' | 'first_review' | 'second_review' | 'publish' | 'approve' | 'pay' | 'return' | 'reject';
/** Every kind of event a claim records, with its name on the 审核表. */
export type EventStep = ClaimStep | 'create' | 'recover';
export const STEP_LABEL: Record<EventStep, string> = {
  create: '录入', submit: '提交', first_review: '初审', second_review: '复审', publish: '公示', approve: '批准', pay: '拨付',
  return: '退回', reject: '驳回', recover: '收回',
};
/** The opinion a review step records when the reviewer writes none. */
export const DEFAULT_OPINION = '同意';

interface StepRule {
  from: readonly ClaimStatus[];
  /** The status it leads to; publish and pay are their own operations (a batch, a payment entry). */
  to: ClaimStatus | null;
  role: Role;
  verb: string;
  /** none: not a review step; required: 退回 and 驳回 must say why; default: 同意 unless written. */
  opinion: 'none' | 'required' | 'default';
  /** Asks for confirmation showing the amount: it cannot be undone. */
  irreversible: boolean;
}

export const STEPS: Record<ClaimStep, StepRule> = {
  submit: { from: EDITABLE_STATUSES, to: 'submitted', role: 'clerk', verb: '提交', opinion: 'none', irreversible: false },
  first_review: { from: ['submitted'], to: 'first_review', role: 'reviewer', verb: '通过初审', opinion: 'default', irreversible: false },
  second_review: { from: ['first_review'], to: 'second_review', role: 'reviewer', verb: '通过复审', opinion: 'default', irreversible: false },
  publish: { from: ['second_review'], to: 'publicity', role: 'reviewer', verb: '公示', opinion: 'default', irreversible: false },
  approve: { from: ['publicity'], to: 'approved', role: 'reviewer', verb: '批准', opinion: 'default', irreversible: true },
  pay: { from: ['approved'], to: null, role: 'reviewer', verb: '登记拨付', opinion: 'default', irreversible: true },
  return: { from: ['submitted', 'first_review', 'second_review'], to: 'returned', role: 'reviewer', verb: '退回', opinion: 'required', irreversible: false },
  reject: { from: ['submitted', 'first_review', 'second_review', 'publicity'], to: 'rejected', role: 'reviewer', verb: '驳回', opinion: 'required', irreversible: false },
};
const ORDER: ClaimStep[] = ['submit', 'first_review', 'second_review', 'publish', 'approve', 'pay', 'return', 'reject'];

export interface AllowedAction {
  action: ClaimStep;
  label: string;
  allowed: boolean;
  /** Why this user may not give the step now (role or separation of duties). */
  reason: string | null;
  opinion: StepRule['opinion'];
  default_opinion: string | null;
  /** For irreversible steps: what the user confirms, with the amount. */
  confirm: string | null;
}

/** What the user may do with the claim besides its steps. */
export interface ClaimPermissions {
  edit: boolean;
  add_material: boolean;
  remove_material: boolean;
}

const same = (a: string | null | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase();

function nameOf(ctx: Ctx, username: string): string {
  return (ctx.db.prepare('SELECT display_name FROM app_user WHERE username = ?').pluck().get(username) as string | undefined) ?? username;
}

/** Who entered the claim, who submitted it last, and who gave 初审 since then. */
function peopleOf(ctx: Ctx, c: ClaimRow): Array<{ step: EventStep; username: string; name: string }> {
  const events = q.eventsOf(ctx.db, c.id);
  let lastSubmit = -1;
  events.forEach((e, i) => {
    if (e.step === 'submit') lastSubmit = i;
  });
  const created = events.find((e) => e.step === 'create');
  const out: Array<{ step: EventStep; username: string; name: string }> = [
    { step: 'create', username: c.created_by, name: created?.actor_name ?? nameOf(ctx, c.created_by) },
  ];
  const submit = events[lastSubmit];
  if (submit) out.push({ step: 'submit', username: submit.created_by, name: submit.actor_name ?? nameOf(ctx, submit.created_by) });
  const first = events.slice(lastSubmit + 1).reverse().find((e) => e.step === 'first_review');
  if (first) out.push({ step: 'first_review', username: first.created_by, name: first.actor_name ?? nameOf(ctx, first.created_by) });
  return out;
}

/** Earlier steps whose giver may not give this one (the office's rule of separation of duties). */
const EXCLUDES: Partial<Record<ClaimStep, EventStep[]>> = {
  first_review: ['create', 'submit'],
  second_review: ['create', 'submit', 'first_review'],
  approve: ['create', 'submit'],
  pay: ['create', 'submit'],
};

/** The refusal for this actor and step, or null. Exported for the services that record steps. */
export function dutyRefusal(ctx: Ctx, c: ClaimRow, step: ClaimStep): string | null {
  const rule = STEPS[step];
  if (!hasRole(ctx.actor, rule.role)) {
    return `${rule.verb}需要「${ROLE_LABEL[rule.role]}」或更高权限，当前用户是「${ROLE_LABEL[ctx.actor.role]}」`;
  }
  const excluded = EXCLUDES[step];
  if (!excluded || !separationOfDuties(ctx.db)) return null;
  const hit = peopleOf(ctx, c).find((p) => excluded.includes(p.step) && same(p.username, ctx.actor.username));
  if (!hit) return null;
  return `职责分离：「${hit.name}」已${STEP_LABEL[hit.step]}申请 ${c.claim_no}，不能再${STEP_LABEL[step]}它，请由另一人办理（管理员可在「单位设置」中为一人办公的单位关闭职责分离）`;
}

/** Refuses a step this actor may not give on this claim: wrong status, role or separation of duties. Writes nothing. */
export function assertStep(ctx: Ctx, c: ClaimRow, step: ClaimStep): void {
  const rule = STEPS[step];
  if (!hasRole(ctx.actor, rule.role)) {
    throw new AppError('FORBIDDEN', `${rule.verb}需要「${ROLE_LABEL[rule.role]}」或更高权限，当前用户是「${ROLE_LABEL[ctx.actor.role]}」`);
  }
  if (!rule.from.includes(c.status)) {
    throw new AppError('CONFLICT', `申请 ${c.claim_no} 当前为「${STATUS_LABEL[c.status]}」，不能${rule.verb}`);
  }
  const refusal = dutyRefusal(ctx, c, step);
  if (refusal) throw new AppError(refusal.startsWith('职责分离') ? 'SEPARATION_OF_DUTIES' : 'FORBIDDEN', refusal, { step, claim_no: c.claim_no });
}

/** 审核意见: required for 退回 and 驳回 (naming the field), 同意 by default for the other review steps. */
export function opinionFor(step: ClaimStep, written: string | null | undefined): string | null {
  const rule = STEPS[step];
  const text = written?.trim() || null;
  if (rule.opinion === 'required' && !text) {
    throw new AppError('VALIDATION', `「${step === 'return' ? '退回意见' : '驳回理由'}」必填（审核意见写明原因）`, [
      { field: 'comment', label: step === 'return' ? '退回意见' : '驳回理由', message: '必填' },
    ]);
  }
  return rule.opinion === 'default' ? (text ?? DEFAULT_OPINION) : text;
}

/** The steps of the claim's current status, each allowed or with the reason it is not, for this user. */
export function allowedActions(ctx: Ctx, c: ClaimRow, amounts: { calc_fen: number; open_fen: number }): AllowedAction[] {
  return ORDER.filter((s) => STEPS[s].from.includes(c.status)).map((s) => {
    const rule = STEPS[s];
    const reason = dutyRefusal(ctx, c, s);
    const confirm = s === 'approve'
      ? `批准申请 ${c.claim_no}，补贴金额 ${fmtYuan(amounts.calc_fen)} 元。批准后金额锁定，不能撤回。`
      : s === 'pay'
        ? `登记拨付后不能撤销（批准 ${fmtYuan(c.approved_fen ?? 0)} 元，尚未拨付 ${fmtYuan(amounts.open_fen)} 元）。`
        : null;
    return {
      action: s, label: rule.verb, allowed: reason === null, reason, opinion: rule.opinion,
      default_opinion: rule.opinion === 'default' ? DEFAULT_OPINION : null, confirm,
    };
  });
}

export function claimPermissions(actor: Actor, c: ClaimRow): ClaimPermissions {
  const clerk = hasRole(actor, 'clerk');
  return {
    edit: clerk && EDITABLE_STATUSES.includes(c.status),
    add_material: clerk && !FROZEN_STATUSES.includes(c.status),
    remove_material: clerk && (EDITABLE_STATUSES.includes(c.status) || c.status === 'submitted'),
  };
}

/** Whether a claim may go into a 公示 batch (the claims list draws its checkbox from this). */
export const publishable = (status: ClaimStatus) => STEPS.publish.from.includes(status);
