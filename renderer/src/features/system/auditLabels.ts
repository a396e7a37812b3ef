// Chinese names of audit actions for the 审计日志 screen; an action without one shows its code.
const ACTION: Record<string, string> = {
  'office.setup': '初始设置', 'office.update': '修改单位信息',
  'user.create': '新建用户', 'user.update': '修改用户', 'user.login': '登录', 'user.logout': '退出登录',
  'user.login_failed': '登录失败', 'user.password_change': '修改密码',
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
  'exhibition.import': '导入补贴申请',
  'exchange.export': '导出交换包', 'exchange.import': '装入交换包', 'exchange.review': '审核上报数据',
  'exchange.conflict': '处理数据冲突', 'exchange.merge': '合并同一企业', 'exchange.merge.update': '合并企业的后续报送',
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
};

export function actionLabel(action: string): string {
  if (ACTION[action]) return ACTION[action]!;
  return action;
}

export function entityLabel(entity: string): string {
  return ENTITY[entity] ?? entity;
}
