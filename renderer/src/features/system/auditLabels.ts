// Chinese names of audit actions for the 审计日志 screen; an action without one shows its code.
const ACTION: Record<string, string> = {
  'office.setup': '初始设置', 'office.update': '修改单位信息', 'office.separation_of_duties': '职责分离设置',
  'user.create': '新建用户', 'user.update': '修改用户', 'user.login': '登录', 'user.logout': '退出登录',
  'user.login_failed': '登录失败', 'user.password_change': '修改密码', 'user.locked': '账户锁定', 'user.unlock': '解锁账户',
  'ledger.backup': '备份', 'ledger.restore': '从备份恢复', 'demo.seed_enterprises': '载入演示企业',
  'enterprise.create': '登记企业', 'enterprise.update': '修改企业', 'enterprise.import': '导入企业名录',
  'enterprise.deactivate': '停用企业', 'enterprise.reactivate': '恢复企业', 'enterprise.uscc_override': '信用代码校验位例外',
  'tier.add': '新增梯度', 'tier.revoke': '撤销梯度',
  'sanction.create': '登记处理措施', 'sanction.lift': '解除处理措施', 'sanction.override': '处理措施例外放行',
  'town.create': '新建专业镇', 'town.update': '修改专业镇', 'town.transition': '专业镇状态变更',
  'town.member_add': '新增成员企业', 'town.member_leave': '成员企业退出', 'town.platform_add': '新增服务平台',
  'town.platform_services': '登记平台服务', 'town.project_add': '新增重点项目', 'town.project_status': '项目状态变更',
  'town.indicators_create': '填报年度指标', 'town.indicators_update': '修改年度指标', 'town.indicators_import': '导入年度指标',
  'town.plan_create': '制定发展方案', 'town.ruleset_save': '保存评价规则', 'town.assessment_save': '保存考核结果',
  'town.event_record': '登记否决事件',
  'exhibition.fair_create': '登记展会', 'exhibition.fair_update': '修改展会', 'exhibition.claim_create': '新建补贴申请',
  'exhibition.claim_update': '修改补贴申请', 'exhibition.claim_submit': '提交申请', 'exhibition.claim_reject': '驳回申请',
  'exhibition.attachment_add': '上传申报材料', 'exhibition.attachment_remove': '删除申报材料',
  'exhibition.late_override': '逾期申报例外', 'exhibition.publish': '公示', 'exhibition.payment': '拨付',
  'exhibition.recovery': '收回资金', 'exhibition.rules_create': '新建补贴规则', 'exhibition.rules_revise': '修订补贴规则',
  'exhibition.import': '导入补贴申请', 'exhibition.claim_first_review': '初审通过', 'exhibition.claim_second_review': '复审通过',
  'exhibition.claim_approve': '批准申请', 'exhibition.claim_return': '退回申请',
  'exchange.export': '导出交换包', 'exchange.import': '装入交换包', 'exchange.review': '审核上报数据',
  'exchange.conflict': '处理数据冲突', 'exchange.merge': '合并同一企业', 'exchange.merge.update': '合并企业的后续报送',
  'exchange.key.create': '生成本单位密钥', 'exchange.peer.pin': '信任对方密钥', 'exchange.peer.unpin': '移除对方密钥', 'exchange.peer.retrust': '重新信任对方密钥（密钥更换）',
  'training.certificate.add': '登记证书', 'training.course.attendee': '登记企业家培训学员', 'training.course.create': '新建企业家培训',
  'training.institution.create': '新建培训机构', 'training.institution.update': '修改培训机构', 'training.plan.create': '新建培训计划',
  'training.plan.transition': '培训计划流程', 'training.roster.import': '导入学员名册', 'training.rule.create': '新建补贴标准',
  'training.rule.retire': '停用补贴标准', 'training.trainee.add': '新增学员', 'training.trainee.remove': '删除学员',
  'training.trainee.update': '修改学员', 'training.money.advance': '预拨', 'training.money.settlement': '结算拨付',
  'training.money.recovery_order': '下达收回', 'training.money.recovery_received': '收回到账',
};

const ENTITY: Record<string, string> = {
  office: '单位', user: '用户', ledger: '台账', enterprise: '企业', enterprise_tier: '企业梯度', sanction: '处理措施',
  town: '专业镇', exhibition_claim: '补贴申请', exhibition_fair: '展会', training_plan: '培训计划',
  exhibition_publicity_batch: '公示批次', exchange_package: '交换包', exchange_key: '本单位密钥', exchange_peer: '对方密钥',
};

export function actionLabel(action: string): string {
  if (ACTION[action]) return ACTION[action]!;
  return action;
}

export function entityLabel(entity: string): string {
  return ENTITY[entity] ?? entity;
}

const KIND: Record<string, string> = { report: '上报', rules: '下发', checkout: '外勤领出', checkin: '外勤交回', backup: '完整备份' };
const shown = (v: unknown) =>
  v === null || v === undefined || v === ''
    ? '（空）'
    : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)
      ? new Date(v).toLocaleString('zh-CN')
      : String(v);

/** A conflict choice in words: what was kept, from which package, and both values of each differing field. */
export function conflictText(detail: Record<string, unknown>): string {
  const choice = detail.choice === 'theirs' ? '采用对方' : '保留本单位';
  const from = detail.sender_name ? `（${String(detail.sender_name)}${KIND[String(detail.kind)] ?? ''}包）` : '';
  const what = detail.label ? `${String(detail.table_label ?? '')}「${String(detail.label)}」：` : '';
  if (detail.deleted_by_sender) return `${what}对方已删除，${choice === '采用对方' ? '采用对方（删除）' : '保留本单位'}${from}`;
  const values = Array.isArray(detail.values)
    ? (detail.values as Array<{ label: string; mine: unknown; theirs: unknown }>).map((f) => `${f.label}：本单位 ${shown(f.mine)}，对方 ${shown(f.theirs)}`)
    : Array.isArray(detail.fields) ? [`字段：${(detail.fields as string[]).join('、')}`] : [];
  return `${what}${choice}${from}${values.length ? `；${values.join('；')}` : ''}`;
}

/** The 内容 column of the log: words for entries that have them, the recorded JSON otherwise. */
export function detailText(action: string, detail: string): string {
  if (action !== 'exchange.conflict') return detail;
  try {
    return conflictText(JSON.parse(detail) as Record<string, unknown>);
  } catch {
    return detail;
  }
}
