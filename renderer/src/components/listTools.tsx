import { useEffect, useRef, useState, type ReactNode } from 'react';
import { App, Modal, Progress } from 'antd';
import type { JobProgress } from '../api/client';
import { errorText } from './errors';

/**
 * The search box of a list: what is typed shows at once, the query follows 250 ms after the last key, so
 * typing 「泽州铸造」 runs one search, not four.
 */
export function useDebouncedSearch(current: string | undefined, apply: (q: string | undefined) => void): [string, (v: string) => void] {
  const [text, setText] = useState(current ?? '');
  const latest = useRef({ current, apply });
  latest.current = { current, apply };
  useEffect(() => {
    const t = setTimeout(() => {
      if ((latest.current.current ?? '') !== text) latest.current.apply(text || undefined);
    }, 250);
    return () => clearTimeout(t);
  }, [text]);
  return [text, setText];
}

/** An export job with its progress dialog and its success or error message. */
export function useExportJob(): { busy: boolean; run(job: (onProgress: (p: JobProgress) => void) => Promise<void>, done: string): Promise<void>; dialog: ReactNode } {
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const { message } = App.useApp();
  const run = async (job: (onProgress: (p: JobProgress) => void) => Promise<void>, done: string) => {
    setProgress({ done: 0, total: null, phase: '准备' });
    try {
      await job(setProgress);
      message.success(done);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setProgress(null);
    }
  };
  const dialog = (
    <Modal open={!!progress} footer={null} closable={false} title="正在导出">
      <Progress percent={progress?.total ? Math.round((progress.done / progress.total) * 100) : 30} status="active" />
      <span className="muted">{progress?.phase}</span>
    </Modal>
  );
  return { busy: !!progress, run, dialog };
}
