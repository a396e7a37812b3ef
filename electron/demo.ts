import type { LedgerHost } from '../db/host.js';

/** `--demo`: a ledger already set up as 泽州县工信局 with realistic sample data, so a new user can look around. */
export async function seedDemoIfRequested(host: LedgerHost): Promise<void> {
  const status = host.status(null);
  if (status.state !== 'ready' || status.initialized) return;
  const { seedDemoLedger } = await import('../db/demo/seed.js');
  const info = seedDemoLedger({ db: host.database, clock: host.clock, dataDir: host.dataDir });
  process.stdout.write(`已载入演示数据：${info.office}，管理员 ${info.username} / 密码 ${info.password}\n`);
}
