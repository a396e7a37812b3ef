import { describe, expect, it } from 'vitest';
import { parseArgs, helpText } from '../../db/cli.js';
import { seededRng } from '../../db/demo/random.js';

describe('command-line argument parsing', () => {
  it('separates the command, positional arguments, valued options and flags', () => {
    const a = parseArgs(['--data', '/tmp/x', 'import-enterprises', 'a.xlsx', '--update-existing', '--json']);
    expect(a.command).toBe('import-enterprises');
    expect(a.positional).toEqual(['a.xlsx']);
    expect(a.values.get('data')).toBe('/tmp/x');
    expect([...a.flags].sort()).toEqual(['json', 'update-existing']);
    expect(parseArgs(['init', '--name=泽州县工信局']).values.get('name')).toBe('泽州县工信局');
  });

  it('refuses an option without its value, a repeated option, and a value on a flag', () => {
    expect(() => parseArgs(['init', '--region'])).toThrow('选项 --region 缺少取值');
    expect(() => parseArgs(['init', '--region', '--name', 'x'])).toThrow('选项 --region 缺少取值');
    expect(() => parseArgs(['init', '--name', 'a', '--name', 'b'])).toThrow('选项 --name 重复');
    expect(() => parseArgs(['status', '--json=yes'])).toThrow('选项 --json 不需要取值');
  });

  it('lists every command in the help text', () => {
    for (const c of ['init', 'import-enterprises', 'export-enterprises', 'template', 'seed-demo', 'verify-audit', 'backup', 'restore', 'status']) {
      expect(helpText()).toContain(`  ${c}`);
    }
  });
});

describe('seeded random numbers', () => {
  it('repeats for the same seed and stays in range', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const xs = Array.from({ length: 1000 }, () => a.int(3, 7));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(3, 7)));
    expect(new Set(xs)).toEqual(new Set([3, 4, 5, 6, 7]));
    expect(seededRng(43).next()).not.toBe(seededRng(42).next());
  });
});
