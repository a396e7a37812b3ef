import type { LedgerHost } from '../db/host.js';

/**
 * `--demo`: a ledger already set up as 泽州县工信局 with realistic sample data, so a new user can look around. Through
 * the host's own first-run operation (setup:demo), the same one the setup screen calls: the shell never reaches
 * into db/ beside the host.
 */
export async function seedDemoIfRequested(host: LedgerHost): Promise<void> {
  const status = host.status(null);
  if (status.state !== 'ready' || status.initialized) return;
  const r = await host.call('setup:demo', null, null);
  if (r.ok) {
    const info = r.value as { office: string; username: string; password: string };
    process.stdout.write(`已载入演示数据：${info.office}，管理员 ${info.username} / 密码 ${info.password}\n`);
  } else process.stderr.write(`载入演示数据失败：${r.error.message}\n`);
}
