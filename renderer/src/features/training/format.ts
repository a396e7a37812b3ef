import type { Level, PlanStatus, PlanType } from '../../../../db/types';

// Labels mirror db/training/schema.ts; the renderer may import only types from db/.
export const PLAN_TYPE_LABEL: Record<PlanType, string> = {
  apprentice: '企业新型学徒制',
  skills: '技能提升/职业技能培训',
  entrepreneur: '企业家培训',
  pre_job: '岗前培训',
};
export const LEVEL_LABEL: Record<Level, string> = {
  L5: '五级/初级工',
  L4: '四级/中级工',
  L3: '三级/高级工',
  L2: '二级/技师',
  L1: '一级/高级技师',
  special: '专项职业能力',
};
export const STATUS_LABEL: Record<PlanStatus, string> = {
  declared: '申报',
  filed: '备案',
  opened: '开班',
  advanced: '预拨',
  completed: '结业',
  settled: '清算',
  closed: '关闭',
  terminated: '终止',
};
export const STATUS_COLOR: Record<PlanStatus, string> = {
  declared: 'default',
  filed: 'blue',
  opened: 'cyan',
  advanced: 'geekblue',
  completed: 'purple',
  settled: 'green',
  closed: 'default',
  terminated: 'red',
};
export const LIFECYCLE: PlanStatus[] = ['declared', 'filed', 'opened', 'advanced', 'completed', 'settled', 'closed'];
export const OUTCOME_LABEL: Record<string, string> = { in_training: '在训', completed: '结业', not_completed: '未结业' };
export const MONEY_KIND_LABEL: Record<string, string> = {
  advance: '预拨',
  settlement: '结算拨付',
  recovery_order: '应退回（收回）',
  recovery_received: '退回到账',
};

export const options = <K extends string>(m: Record<K, string>) => (Object.keys(m) as K[]).map((value) => ({ value, label: m[value] }));

/** Integer fen → "5,000.00". */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  const neg = fen < 0;
  const a = Math.abs(fen);
  const y = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${y}.${String(a % 100).padStart(2, '0')}`;
}

/** Today in China Standard Time, as the server's clock counts it (db/clock.ts isoDate), whatever the PC's zone. */
export const todayIso = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
export const thisYear = () => Number(todayIso().slice(0, 4));
