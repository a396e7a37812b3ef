// The exchange commands of the headless CLI, on real data folders: a county exports, a city verifies,
// dry-runs, pins, applies, consolidates a folder and lists 报送情况.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../db/cli.js';
import { tempDirPerTest } from '../helpers.js';

const newDir = tempDirPerTest('ledger-xcli-');

describe('exchange CLI', () => {
  it('export-package, verify-package, import-package --dry-run/--apply, consolidate, submissions', async () => {
    const dir = newDir();
    const county = join(dir, 'county');
    const city = join(dir, 'city');
    const pkg = join(dir, 'report.cxpkg');
    expect((await runCli(['--data', county, 'seed-demo', '--count', '20'])).exitCode).toBe(0);
    expect((await runCli(['--data', city, 'init', '--level', 'city', '--region', '140500', '--name', '晋城市工业和信息化局', '--admin', 'admin', '--password', 'Admin12345'])).exitCode).toBe(0);

    const refused = await runCli(['--data', county, 'export-package', '--kind', 'report', '--period', '2025', '--to', '140500', pkg, '--json']);
    expect(refused.exitCode).toBe(2);
    const err = JSON.parse(refused.stdout).error as { code: string; details: Array<{ id: string }> };
    expect(err.code).toBe('CHECKS_FAILED');
    const explain = join(dir, 'explain.json');
    writeFileSync(explain, JSON.stringify(Object.fromEntries(err.details.map((d) => [d.id, '数据已核实']))));
    const ok = await runCli(['--data', county, 'export-package', '--kind', 'report', '--period', '2025', '--to', '140500', '--explain', explain, pkg]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('已导出上报包');

    const v = await runCli(['--data', city, 'verify-package', pkg]);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/签名人指纹：([0-9A-F]{4}-){7}[0-9A-F]{4}（尚未信任/);

    const np = await runCli(['--data', city, 'import-package', pkg, '--dry-run', '--json']);
    expect(JSON.parse(np.stdout).error.code).toBe('NEEDS_PIN');
    const d = await runCli(['--data', city, 'import-package', pkg, '--dry-run', '--pin', '--json']);
    const dr = JSON.parse(d.stdout);
    expect(dr.ok).toBe(true);
    expect(dr.applied).toBe(false);
    expect(dr.tables.find((x: { table: string }) => x.table === 'enterprise').added).toBeGreaterThanOrEqual(20);

    const a = await runCli(['--data', city, 'import-package', pkg, '--apply', '--pin']);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toContain('已导入');
    const again = await runCli(['--data', city, 'import-package', pkg, '--apply']);
    expect(again.stdout).toContain('已经导入过');

    const folder = join(dir, 'inbox');
    mkdirSync(folder);
    const second = join(folder, 'second.cxpkg');
    await runCli(['--data', county, 'export-package', '--kind', 'report', '--period', '2025', '--to', '140500', '--explain', explain, second]);
    copyFileSync(pkg, join(folder, 'first.cxpkg'));
    writeFileSync(join(folder, 'junk.cxpkg'), 'not a package');
    const c = await runCli(['--data', city, 'consolidate', folder, '--json']);
    const cr = JSON.parse(c.stdout);
    expect(cr.rows.map((r: { result: string }) => r.result).sort()).toEqual(['already', 'applied', 'refused']);
    // The good packages went in, but a refused one makes the run fail for a script: exit 1, each refusal named.
    expect(c.exitCode).toBe(1);
    expect(cr.ok).toBe(false);
    expect(cr.error.code).toBe('PACKAGES_REFUSED');
    expect(cr.error.message).toContain('junk.cxpkg');
    const plain = await runCli(['--data', city, 'consolidate', folder]);
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toMatch(/junk\.cxpkg\t—\t—\t已拒绝/);
    expect(plain.stderr).toContain('1 个交换包被拒绝');
    const clean = join(dir, 'clean');
    mkdirSync(clean);
    copyFileSync(second, join(clean, 'second.cxpkg'));
    const ok2 = await runCli(['--data', city, 'consolidate', clean]);
    expect([ok2.exitCode, ok2.stderr]).toEqual([0, '']);
    expect(ok2.stdout).toContain('已导入过');

    // Given a folder, export-package names the file for who sent what.
    const outbox = join(dir, 'outbox');
    mkdirSync(outbox);
    const named = await runCli(['--data', county, 'export-package', '--kind', 'report', '--period', '2025', '--to', '140500', '--explain', explain, outbox, '--json']);
    expect(named.exitCode).toBe(0);
    expect(JSON.parse(named.stdout).file).toBe(join(outbox, '泽州县140525-上报-2025-至140500-第3号.cxpkg'));
    expect(readdirSync(outbox)).toEqual(['泽州县140525-上报-2025-至140500-第3号.cxpkg']);

    const s = await runCli(['--data', city, 'submissions', '--period', '2025']);
    expect(s.stdout).toMatch(/140525\t泽州县\t已上报/);
    expect((await runCli(['--data', city, 'import-package', pkg])).exitCode).toBe(2);
  }, 60_000);

  it('verify-package warns of a changed key; retrust-key pins it and the package imports', async () => {
    const dir = newDir();
    const init = (d: string, level: string, region: string, name: string) =>
      runCli(['--data', d, 'init', '--level', level, '--region', region, '--name', name, '--admin', 'admin', '--password', 'Admin12345']);
    const [old, fresh, city] = ['old', 'fresh', 'city'].map((n) => join(dir, n)) as [string, string, string];
    await init(old, 'county', '140525', '泽州县工业和信息化局');
    await init(fresh, 'county', '140525', '泽州县工业和信息化局');
    await init(city, 'city', '140500', '晋城市工业和信息化局');
    const report = async (d: string, f: string) => {
      expect((await runCli(['--data', d, 'export-package', '--kind', 'report', '--period', '2025', '--to', '140500', join(dir, f)])).exitCode).toBe(0);
      return join(dir, f);
    };
    expect((await runCli(['--data', city, 'import-package', await report(old, 'a.cxpkg'), '--apply', '--pin'])).exitCode).toBe(0);
    const b = await report(fresh, 'b.cxpkg');
    const v = await runCli(['--data', city, 'verify-package', b]);
    expect(v.stdout).toMatch(/（警告：密钥已更换！已信任的是 ([0-9A-F]{4}-){7}[0-9A-F]{4}（\d{4}-\d{2}-\d{2} 由 cli:\S+ 确认信任）/);
    expect(JSON.parse((await runCli(['--data', city, 'import-package', b, '--apply', '--pin', '--json'])).stdout).error.code).toBe('KEY_CHANGED');
    const fp = (JSON.parse((await runCli(['--data', city, 'verify-package', b, '--json'])).stdout) as { fingerprint: string }).fingerprint;
    const r = await runCli(['--data', city, 'retrust-key', b, '--fingerprint', fp, '--reason', '泽州县更换了办公电脑']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`已信任 泽州县工业和信息化局（140525）的新密钥：${fp}`);
    expect(r.stdout).toContain('已停用旧密钥');
    expect((await runCli(['--data', city, 'import-package', b, '--apply'])).stdout).toContain('已导入');
  }, 60_000);
});
