// Chinese names of the columns a conflict can show, so a person compares 联系电话 with 联系电话, not contact_phone.
// The areas' form labels first; then the bookkeeping columns every table carries.
import { ENTERPRISE_LABELS, TIER_LABELS } from '../enterprises/schema.js';
import { TOWN_LABELS, MEMBER_LABELS, PLATFORM_LABELS, PROJECT_LABELS, PLAN_LABELS as TOWN_PLAN_LABELS, EVENT_LABELS } from '../towns/schema.js';
import { INSTITUTION_LABELS, PLAN_LABELS, TRAINEE_LABELS, CERT_LABELS, COURSE_LABELS, ATTENDEE_LABELS } from '../training/schema.js';
import { FAIR_LABELS, CLAIM_LABELS, CLAIM_ROW_LABELS } from '../exhibitions/schema.js';
import { SANCTION_LABELS } from '../sanctions/service.js';

const BY_TABLE: Record<string, Record<string, string>> = {
  enterprise: { ...ENTERPRISE_LABELS, uscc_override_reason: '校验位例外说明', status_reason: '状态说明' },
  enterprise_tier: { ...TIER_LABELS, enterprise_id: '企业', revoked_at: '撤销时间', revoked_reason: '撤销原因' },
  town: TOWN_LABELS,
  town_member: MEMBER_LABELS,
  town_platform: PLATFORM_LABELS,
  town_project: PROJECT_LABELS,
  town_plan: TOWN_PLAN_LABELS,
  town_event: EVENT_LABELS,
  training_institution: INSTITUTION_LABELS,
  training_plan: PLAN_LABELS,
  trainee: TRAINEE_LABELS,
  training_certificate: CERT_LABELS,
  entrepreneur_course: COURSE_LABELS,
  entrepreneur_attendee: ATTENDEE_LABELS,
  exhibition_fair: FAIR_LABELS,
  exhibition_claim: CLAIM_LABELS,
  exhibition_booth: CLAIM_ROW_LABELS,
  exhibition_item: CLAIM_ROW_LABELS,
  sanction: SANCTION_LABELS,
};

const COMMON: Record<string, string> = {
  gid: '全局编号', name: '名称', status: '状态', note: '备注', year: '年度', doc_no: '文号', region_code: '行政区划代码',
  created_at: '创建时间', created_by: '创建人', updated_at: '最后修改时间', updated_by: '最后修改人',
  name_pinyin: '名称拼音', name_initials: '名称拼音首字母', search_text: '检索文本', is_sample: '演示数据',
};

/** The Chinese name of a column of an exchanged table; the column itself when none is known. */
export function fieldLabel(table: string, column: string): string {
  return BY_TABLE[table]?.[column] ?? COMMON[column] ?? column;
}
