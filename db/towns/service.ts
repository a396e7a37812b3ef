// Use-cases of the specialized-town (专业镇) record: the town, its lifecycle, members, platforms, projects, events.
import type { Ctx } from '../context.js';
import { hasRole, requireRole } from '../context.js';
import { isoDate, isoTimestamp } from '../clock.js';
import { uuidv7 } from '../ids.js';
import { AppError, type FieldIssue } from '../result.js';
import { parseInput } from '../validate.js';
import { audit, auditForEntity, type AuditEntry } from '../audit/audit.js';
import { loadLookups } from '../enterprises/rules.js';
import { diff } from '../enterprises/service.js';
import {
  addDays,
  allowedActions,
  checkTransition,
  defaultValidTo,
  LEVEL_LABEL,
  STATUS_LABEL,
  TRANSITIONS,
  type TransitionAction,
} from './rules.js';
import * as q from './queries.js';
import {
  EVENT_LABELS,
  eventInput,
  MEMBER_LABELS,
  memberInput,
  memberLeaveInput,
  PLATFORM_LABELS,
  platformInput,
  platformYearInput,
  PROJECT_LABELS,
  projectInput,
  projectStatusInput,
  TOWN_LABELS,
  townInput,
  townListQuery,
  TOWN_LIST_LABELS,
  townUpdateInput,
  TRANSITION_LABELS,
  transitionInput,
  type DesignationRow,
  type MemberRow,
  type PlatformRow,
  type ProjectRow,
  type TownRow,
  type TransitionRow,
} from './schema.js';

export function fieldError(field: string, label: string, message: string, code = 'VALIDATION'): AppError {
  return new AppError(code, `「${label}」${message}`, [{ field, label, message } satisfies FieldIssue]);
}

export function mustTown(ctx: Pick<Ctx, 'db'>, id: number): TownRow {
  const t = q.getTown(ctx.db, id);
  if (!t) throw new AppError('NOT_FOUND', `专业镇 ${id} 不存在`);
  return t;
}

const today = (ctx: Pick<Ctx, 'clock'>) => isoDate(ctx.clock.now());

function checkTownData(ctx: Ctx, data: ReturnType<typeof townInput.parse>): void {
  const lk = loadLookups(ctx.db);
  const region = lk.regions.get(data.county_code);
  if (!region || region.kind !== 'county') throw fieldError('county_code', TOWN_LABELS.county_code!, `「${data.county_code}」不是现行的县级行政区划代码`);
  if (region.valid_to) throw fieldError('county_code', TOWN_LABELS.county_code!, `「${data.county_code} ${region.name}」已于 ${region.valid_to} 撤销`);
  if (lk.office && !data.county_code.startsWith(q.regionPrefix(lk.office.region_code))) {
    throw fieldError('county_code', TOWN_LABELS.county_code!, `「${data.county_code} ${region.name}」不在本单位辖区内`);
  }
  for (const c of data.industry_codes) {
    if (!lk.industries.has(c)) throw fieldError('industry_codes', TOWN_LABELS.industry_codes!, `「${c}」不存在于 GB/T 4754-2017`);
  }
}

/** A new town starts in 培育 (cultivation); designations come only through the lifecycle. */
export function createTown(ctx: Ctx, raw: unknown): TownRow {
  const data = parseInput(townInput, raw, TOWN_LABELS);
  checkTownData(ctx, data);
  return ctx.db.transaction(() => {
    const dup = q.findTownByName(ctx.db, data.county_code, data.name);
    if (dup) throw fieldError('name', TOWN_LABELS.name!, `「${data.name}」已登记`, 'DUPLICATE');
    const now = isoTimestamp(ctx.clock.now());
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO town(gid, name, county_code, category, leading_industry, industry_codes, description, contact_name, contact_phone,
             status, status_since, level, created_at, created_by, updated_at, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'cultivating', ?, NULL, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), data.name, data.county_code, data.category, data.leading_industry, data.industry_codes.join(','),
          data.description, data.contact_name, data.contact_phone, today(ctx), now, ctx.actor.username, now, ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'town.create', 'town', id, { name: data.name, county_code: data.county_code, category: data.category });
    return mustTown(ctx, id);
  })();
}

export function updateTown(ctx: Ctx, raw: unknown): TownRow {
  const { id, data } = parseInput(townUpdateInput, raw, { id: '专业镇', data: '专业镇信息' });
  const before = mustTown(ctx, id);
  const parsed = parseInput(townInput, data, TOWN_LABELS);
  checkTownData(ctx, parsed);
  return ctx.db.transaction(() => {
    const dup = q.findTownByName(ctx.db, parsed.county_code, parsed.name);
    if (dup && dup.id !== id) throw fieldError('name', TOWN_LABELS.name!, `「${parsed.name}」已登记`, 'DUPLICATE');
    const next = { ...parsed, industry_codes: parsed.industry_codes.join(',') };
    const changes = diff(before, next, ['name', 'county_code', 'category', 'leading_industry', 'industry_codes', 'description', 'contact_name', 'contact_phone']);
    if (Object.keys(changes).length === 0) return before;
    ctx.db
      .prepare(
        `UPDATE town SET name = @name, county_code = @county_code, category = @category, leading_industry = @leading_industry,
           industry_codes = @industry_codes, description = @description, contact_name = @contact_name, contact_phone = @contact_phone,
           updated_at = @at, updated_by = @by WHERE id = @id`,
      )
      .run({ ...next, at: isoTimestamp(ctx.clock.now()), by: ctx.actor.username, id });
    audit(ctx, 'town.update', 'town', id, { changes });
    return mustTown(ctx, id);
  })();
}

export function listTowns(ctx: Ctx, raw: unknown) {
  const f = parseInput(townListQuery, raw ?? {}, TOWN_LIST_LABELS);
  return q.listTowns(ctx.db, f).map((t) => ({ ...t, status_label: STATUS_LABEL[t.status], level_label: t.level ? LEVEL_LABEL[t.level] : null }));
}

export interface TownDetail {
  town: TownRow & { county_name: string | null };
  designations: DesignationRow[];
  current: DesignationRow | null;
  transitions: TransitionRow[];
  allowed: Array<{ action: TransitionAction; label: string; requires: readonly string[] }>;
  members: MemberRow[];
  platforms: PlatformRow[];
  projects: ProjectRow[];
  history: AuditEntry[];
}

export function getTown(ctx: Ctx, id: number): TownDetail {
  const town = mustTown(ctx, id);
  const county_name = (ctx.db.prepare('SELECT name FROM region WHERE code = ?').pluck().get(town.county_code) as string | undefined) ?? null;
  return {
    town: { ...town, county_name },
    designations: q.designationsOf(ctx.db, id),
    current: q.currentDesignation(ctx.db, id) ?? null,
    transitions: q.transitionsOf(ctx.db, id),
    allowed: allowedActions(town.status)
      .filter((a) => hasRole(ctx.actor, TRANSITIONS[a].minRole))
      .map((a) => ({ action: a, label: TRANSITIONS[a].label, requires: TRANSITIONS[a].requires })),
    members: q.membersOf(ctx.db, id, true),
    platforms: q.platformsOf(ctx.db, id),
    projects: q.projectsOf(ctx.db, id),
    history: auditForEntity(ctx.db, 'town', String(id)),
  };
}

// ---------------------------------------------------------------- lifecycle

/**
 * One lifecycle step, checked against the transition table. Records date, 文号, reason and who; creates or
 * ends designations where the step does; refuses a step the state does not allow, naming the allowed ones.
 */
export function transition(ctx: Ctx, raw: unknown): { town: TownRow; transition: TransitionRow; designation: DesignationRow | null } {
  const t = parseInput(transitionInput, raw, TRANSITION_LABELS);
  const def = TRANSITIONS[t.action];
  requireRole(ctx.actor, def.minRole, `专业镇「${def.label}」`);
  return ctx.db.transaction(() => {
    const town = mustTown(ctx, t.town_id);
    const current = q.currentDesignation(ctx.db, town.id) ?? null;
    const lastApply = q.lastTransition(ctx.db, town.id, 'apply');
    const check = checkTransition(
      town.status,
      { action: t.action, date: t.date, level: t.level ?? null },
      {
        statusBeforeApply: lastApply?.from_status ?? null,
        currentLevel: current?.level ?? null,
        lastDate: q.lastTransition(ctx.db, town.id)?.date ?? null,
        today: today(ctx),
      },
    );
    if (!check.ok) {
      const allowed = allowedActions(town.status);
      throw new AppError(check.field === 'action' ? 'TRANSITION_REFUSED' : 'VALIDATION', check.field === 'action' ? check.message : `「${TRANSITION_LABELS[check.field]}」${check.message}`, [
        { field: check.field, label: TRANSITION_LABELS[check.field] ?? check.field, message: check.message, allowed },
      ]);
    }
    if (def.requires.includes('doc_no') && !t.doc_no) throw fieldError('doc_no', '文号', `「${def.label}」须填写文号`);
    if (def.requires.includes('publicity')) {
      if (!t.publicity_start) throw fieldError('publicity_start', '公示开始日期', '公示须填写开始日期');
      if (!t.publicity_end) throw fieldError('publicity_end', '公示结束日期', '公示须填写结束日期');
    }
    if (def.requires.includes('designation') && !t.designation) throw fieldError('designation', '认定信息', `「${def.label}」须填写认定信息（认定机构、有效期）`);

    let designationId: number | null = null;
    let newLevel = town.level;
    const now = isoTimestamp(ctx.clock.now());
    const endDesignation = (d: DesignationRow, on: string, why: string) => {
      ctx.db.prepare('UPDATE town_designation SET ended_on = ?, end_reason = ? WHERE id = ?').run(on < d.valid_from ? d.valid_from : on, why, d.id);
    };
    if (t.designation) {
      const d = t.designation;
      const years = q.policyFor(ctx.db, town.county_code, d.valid_from).validity_years;
      const validTo = d.valid_to ?? defaultValidTo(d.valid_from, years);
      let level = current?.level ?? null;
      let kind: DesignationRow['kind'] = 'renewal';
      let publicity: { start: string | null; end: string | null } = { start: null, end: null };
      if (t.action === 'designate') {
        level = lastApply?.level ?? null;
        kind = 'initial';
        const pub = q.lastTransition(ctx.db, town.id, 'publicize');
        publicity = { start: pub?.publicity_start ?? null, end: pub?.publicity_end ?? null };
        if (publicity.end && d.valid_from < publicity.end) {
          throw fieldError('designation.valid_from', '有效期起', `不能早于公示结束日期 ${publicity.end}`);
        }
      } else if (t.action === 'downgrade') {
        level = t.level!;
        kind = 'downgrade';
      } else if (t.action === 'renew' && current && d.valid_from <= current.valid_from) {
        throw fieldError('designation.valid_from', '有效期起', `续期的有效期起应晚于原认定的有效期起 ${current.valid_from}`);
      }
      if (!level) throw fieldError('level', '级别', '无法确定认定级别（缺少申报记录）');
      if (d.plaque_date && d.plaque_date < t.date) throw fieldError('designation.plaque_date', '授牌日期', `不能早于认定日期 ${t.date}`);
      if (current) {
        const why = t.action === 'designate' ? `晋升为${LEVEL_LABEL[level]}专业镇（${t.doc_no}）` : t.action === 'downgrade' ? `降级（${t.doc_no}）` : `复核通过续期（${t.doc_no}）`;
        endDesignation(current, current.valid_to < d.valid_from ? current.valid_to : addDays(d.valid_from, -1), why);
      }
      designationId = Number(
        ctx.db
          .prepare(
            `INSERT INTO town_designation(gid, town_id, level, kind, batch_no, doc_no, bodies, publicity_start, publicity_end, plaque_date,
               valid_from, valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(uuidv7(ctx.clock), town.id, level, kind, d.batch_no, t.doc_no, JSON.stringify(d.bodies), publicity.start, publicity.end,
            d.plaque_date ?? null, d.valid_from, validTo, now, ctx.actor.username).lastInsertRowid,
      );
      newLevel = level;
    }
    if (t.action === 'revoke') {
      if (current) endDesignation(current, t.date, `撤销：${t.reason}（${t.doc_no}）`);
      newLevel = null;
    }
    const transitionId = Number(
      ctx.db
        .prepare(
          `INSERT INTO town_transition(gid, town_id, action, from_status, to_status, date, doc_no, reason, level, publicity_start, publicity_end,
             designation_id, assessment_id, actor, actor_name, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), town.id, t.action, town.status, check.to, t.date, t.doc_no, t.reason, t.level ?? null, t.publicity_start ?? null,
          t.publicity_end ?? null, designationId, t.assessment_id ?? null, ctx.actor.username, ctx.actor.displayName, now, ctx.actor.username)
        .lastInsertRowid,
    );
    ctx.db
      .prepare('UPDATE town SET status = ?, status_since = ?, level = ?, updated_at = ?, updated_by = ? WHERE id = ?')
      .run(check.to, t.date, newLevel, now, ctx.actor.username, town.id);
    audit(ctx, `town.${t.action}`, 'town', town.id, {
      from: STATUS_LABEL[town.status], to: STATUS_LABEL[check.to], date: t.date, doc_no: t.doc_no, reason: t.reason,
      level: newLevel, designation_id: designationId, transition_id: transitionId, assessment_id: t.assessment_id ?? null,
    });
    return {
      town: mustTown(ctx, town.id),
      transition: ctx.db.prepare('SELECT * FROM town_transition WHERE id = ?').get(transitionId) as TransitionRow,
      designation: designationId ? q.getDesignation(ctx.db, designationId) : null,
    };
  })();
}

// ---------------------------------------------------------------- members, platforms, projects, events

export function addMember(ctx: Ctx, raw: unknown): MemberRow {
  const m = parseInput(memberInput, raw, MEMBER_LABELS);
  const town = mustTown(ctx, m.town_id);
  const ent = ctx.db.prepare('SELECT name, status FROM enterprise WHERE id = ?').get(m.enterprise_id) as { name: string; status: string } | undefined;
  if (!ent) throw fieldError('enterprise_id', '企业', `企业 ${m.enterprise_id} 不存在`, 'NOT_FOUND');
  if (ent.status !== 'active') throw fieldError('enterprise_id', '企业', `「${ent.name}」已停用，不能加入专业镇`);
  if (m.joined_on > today(ctx)) throw fieldError('joined_on', '加入日期', `${m.joined_on} 晚于今天`);
  return ctx.db.transaction(() => {
    const dup = ctx.db.prepare('SELECT 1 FROM town_member WHERE town_id = ? AND enterprise_id = ? AND left_on IS NULL').get(m.town_id, m.enterprise_id);
    if (dup) throw fieldError('enterprise_id', '企业', `「${ent.name}」已是「${town.name}」的成员`, 'DUPLICATE');
    const id = Number(
      ctx.db
        .prepare('INSERT INTO town_member(gid, town_id, enterprise_id, role, joined_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(uuidv7(ctx.clock), m.town_id, m.enterprise_id, m.role, m.joined_on, isoTimestamp(ctx.clock.now()), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'town.member_add', 'town', m.town_id, { member_id: id, enterprise: ent.name, role: m.role });
    return q.membersOf(ctx.db, m.town_id, true).find((r) => r.id === id)!;
  })();
}

export function removeMember(ctx: Ctx, raw: unknown): MemberRow {
  const m = parseInput(memberLeaveInput, raw, MEMBER_LABELS);
  const row = ctx.db.prepare('SELECT town_id, joined_on, left_on FROM town_member WHERE id = ?').get(m.id) as
    | { town_id: number; joined_on: string; left_on: string | null }
    | undefined;
  if (!row) throw new AppError('NOT_FOUND', `成员记录 ${m.id} 不存在`);
  if (row.left_on) throw new AppError('CONFLICT', `该企业已于 ${row.left_on} 退出`);
  if (m.left_on < row.joined_on) throw fieldError('left_on', '退出日期', `不能早于加入日期 ${row.joined_on}`);
  return ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE town_member SET left_on = ?, left_reason = ? WHERE id = ?').run(m.left_on, m.reason, m.id);
    audit(ctx, 'town.member_leave', 'town', row.town_id, { member_id: m.id, left_on: m.left_on, reason: m.reason });
    return q.membersOf(ctx.db, row.town_id, true).find((r) => r.id === m.id)!;
  })();
}

export function addPlatform(ctx: Ctx, raw: unknown): PlatformRow {
  const p = parseInput(platformInput, raw, PLATFORM_LABELS);
  mustTown(ctx, p.town_id);
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO town_platform(gid, town_id, name, type, operator, level, area_m2, investment_wan, established_on, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), p.town_id, p.name, p.type, p.operator, p.level ?? null, p.area_m2 ?? null,
          p.investment_wan === null || p.investment_wan === undefined ? null : Math.round(p.investment_wan * 100) / 100,
          p.established_on ?? null, isoTimestamp(ctx.clock.now()), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'town.platform_add', 'town', p.town_id, { platform_id: id, name: p.name, type: p.type });
    return q.platformsOf(ctx.db, p.town_id).find((r) => r.id === id)!;
  })();
}

/** Services delivered by a platform in a year (one figure per year; entering it again corrects it). */
export function setPlatformServices(ctx: Ctx, raw: unknown): PlatformRow {
  const p = parseInput(platformYearInput, raw, PLATFORM_LABELS);
  const plat = ctx.db.prepare('SELECT town_id FROM town_platform WHERE id = ?').get(p.platform_id) as { town_id: number } | undefined;
  if (!plat) throw new AppError('NOT_FOUND', `平台 ${p.platform_id} 不存在`);
  if (p.year > Number(today(ctx).slice(0, 4))) throw fieldError('year', '年度', `${p.year} 年尚未到来`);
  return ctx.db.transaction(() => {
    const before = ctx.db.prepare('SELECT services FROM town_platform_year WHERE platform_id = ? AND year = ?').pluck().get(p.platform_id, p.year) as number | undefined;
    ctx.db
      .prepare(
        `INSERT INTO town_platform_year(gid, platform_id, year, services, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(platform_id, year) DO UPDATE SET services = excluded.services`,
      )
      .run(uuidv7(ctx.clock), p.platform_id, p.year, p.services, isoTimestamp(ctx.clock.now()), ctx.actor.username);
    audit(ctx, 'town.platform_services', 'town', plat.town_id, { platform_id: p.platform_id, year: p.year, from: before ?? null, to: p.services });
    return q.platformsOf(ctx.db, plat.town_id).find((r) => r.id === p.platform_id)!;
  })();
}

export function addProject(ctx: Ctx, raw: unknown): ProjectRow {
  const p = parseInput(projectInput, raw, PROJECT_LABELS);
  mustTown(ctx, p.town_id);
  return ctx.db.transaction(() => {
    const now = isoTimestamp(ctx.clock.now());
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO town_project(gid, town_id, name, investment_wan, start_date, status, note, created_at, created_by, updated_at, updated_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), p.town_id, p.name, Math.round(p.investment_wan * 100) / 100, p.start_date, p.status, p.note, now,
          ctx.actor.username, now, ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'town.project_add', 'town', p.town_id, { project_id: id, name: p.name, investment_wan: p.investment_wan });
    return ctx.db.prepare('SELECT * FROM town_project WHERE id = ?').get(id) as ProjectRow;
  })();
}

export function setProjectStatus(ctx: Ctx, raw: unknown): ProjectRow {
  const p = parseInput(projectStatusInput, raw, { id: '项目', status: '状态', note: '备注' });
  const before = ctx.db.prepare('SELECT * FROM town_project WHERE id = ?').get(p.id) as ProjectRow | undefined;
  if (!before) throw new AppError('NOT_FOUND', `项目 ${p.id} 不存在`);
  return ctx.db.transaction(() => {
    ctx.db
      .prepare('UPDATE town_project SET status = ?, note = coalesce(?, note), updated_at = ?, updated_by = ? WHERE id = ?')
      .run(p.status, p.note, isoTimestamp(ctx.clock.now()), ctx.actor.username, p.id);
    audit(ctx, 'town.project_status', 'town', before.town_id, { project_id: p.id, from: before.status, to: p.status });
    return ctx.db.prepare('SELECT * FROM town_project WHERE id = ?').get(p.id) as ProjectRow;
  })();
}

export interface EventRow {
  id: number;
  gid: string;
  town_id: number | null;
  enterprise_id: number | null;
  kind: string;
  severity: string | null;
  date: string;
  doc_no: string | null;
  description: string;
}

/** Accidents and credit events that veto clauses look at; recording one needs a reviewer (it can cost a town its plaque). */
export function recordEvent(ctx: Ctx, raw: unknown): EventRow {
  const e = parseInput(eventInput, raw, EVENT_LABELS);
  requireRole(ctx.actor, 'reviewer', '登记否决事件');
  if (e.town_id) mustTown(ctx, e.town_id);
  if (e.enterprise_id && !ctx.db.prepare('SELECT 1 FROM enterprise WHERE id = ?').get(e.enterprise_id)) {
    throw fieldError('enterprise_id', '企业', `企业 ${e.enterprise_id} 不存在`, 'NOT_FOUND');
  }
  if (e.date > today(ctx)) throw fieldError('date', '发生日期', `${e.date} 晚于今天`);
  return ctx.db.transaction(() => {
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO town_event(gid, town_id, enterprise_id, kind, severity, date, doc_no, description, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(uuidv7(ctx.clock), e.town_id ?? null, e.enterprise_id ?? null, e.kind, e.severity ?? null, e.date, e.doc_no, e.description,
          isoTimestamp(ctx.clock.now()), ctx.actor.username).lastInsertRowid,
    );
    audit(ctx, 'town.event_record', 'town_event', id, { town_id: e.town_id ?? null, enterprise_id: e.enterprise_id ?? null, kind: e.kind, severity: e.severity ?? null, date: e.date });
    return ctx.db.prepare('SELECT * FROM town_event WHERE id = ?').get(id) as EventRow;
  })();
}

/** Events on the town and on its members (while they were members). */
export function eventsOfTown(ctx: Pick<Ctx, 'db'>, townId: number): Array<EventRow & { subject: string }> {
  return ctx.db
    .prepare(
      `SELECT ev.*, 'town' AS subject FROM town_event ev WHERE ev.town_id = @t
       UNION ALL
       SELECT ev.*, e.name AS subject FROM town_event ev JOIN town_member m ON m.enterprise_id = ev.enterprise_id AND m.town_id = @t
         AND m.joined_on <= ev.date AND (m.left_on IS NULL OR m.left_on >= ev.date)
       JOIN enterprise e ON e.id = ev.enterprise_id
       ORDER BY date DESC, id DESC`,
    )
    .all({ t: townId }) as Array<EventRow & { subject: string }>;
}
