import { useState } from 'react';
import { Alert, Button, Checkbox, Modal, Progress, Table, Typography, Upload, App } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { ApiError, type JobProgress, call, saveFile } from '../api/client';

export interface RowError {
  row: number;
  column: string;
  message: string;
}

/**
 * One dialog for every all-or-nothing Excel import: choose a file, watch the progress bar, then read either
 * the summary or the row-by-row error report (which can be saved as .xlsx and fixed in Excel or WPS).
 */
export function ImportDialog<S>(props: {
  open: boolean;
  title: string;
  onClose(): void;
  onDone(summary: S): void;
  run(file: File, updateExisting: boolean, onProgress: (p: JobProgress) => void): Promise<S>;
  describe(summary: S): string;
  onTemplate?: () => Promise<void>;
  allowUpdate?: boolean;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [update, setUpdate] = useState(false);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<RowError[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { message } = App.useApp();

  const reset = () => {
    setFile(null);
    setProgress(null);
    setErrors(null);
    setFailure(null);
    setDone(null);
    setUpdate(false);
  };

  const start = async () => {
    if (!file) return;
    setBusy(true);
    setErrors(null);
    setFailure(null);
    setDone(null);
    setProgress({ done: 0, total: null, phase: '上传文件' });
    try {
      const s = await props.run(file, update, setProgress);
      setDone(props.describe(s));
      props.onDone(s);
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
      const details = e instanceof ApiError ? (e.details as { errors?: RowError[] } | undefined) : undefined;
      setErrors(details?.errors ?? null);
    } finally {
      setBusy(false);
    }
  };

  const percent = progress?.total ? Math.round((progress.done / progress.total) * 100) : progress ? 5 : 0;

  return (
    <Modal
      title={props.title}
      open={props.open}
      width={760}
      onCancel={() => {
        if (busy) return;
        reset();
        props.onClose();
      }}
      footer={[
        props.onTemplate && (
          <Button key="t" onClick={() => void props.onTemplate!()}>
            下载导入模板
          </Button>
        ),
        <Button
          key="c"
          onClick={() => {
            reset();
            props.onClose();
          }}
          disabled={busy}
        >
          关闭
        </Button>,
        <Button key="s" type="primary" disabled={!file || busy || !!done} loading={busy} onClick={() => void start()}>
          开始导入
        </Button>,
      ]}
    >
      <Upload.Dragger
        accept=".xlsx"
        maxCount={1}
        beforeUpload={(f) => {
          setFile(f);
          setErrors(null);
          setFailure(null);
          setDone(null);
          setProgress(null);
          return false;
        }}
        onRemove={() => setFile(null)}
        fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>点击或拖入 .xlsx 文件（使用导入模板的表头）</p>
        <p className="muted">全部或全不：任何一行有错误则不导入任何数据，并列出每一行的错误</p>
      </Upload.Dragger>
      {props.allowUpdate && (
        <Checkbox checked={update} onChange={(e) => setUpdate(e.target.checked)} style={{ marginTop: 12 }}>
          更新已有（按统一社会信用代码匹配，逐条记入审计日志）
        </Checkbox>
      )}
      {progress && (busy || done) && (
        <div style={{ marginTop: 16 }} data-testid="import-progress">
          <Typography.Text type="secondary">
            {progress.phase}
            {progress.total ? `：${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}` : progress.done ? `：${progress.done.toLocaleString()} 行` : ''}
          </Typography.Text>
          <Progress percent={done ? 100 : percent} status={busy ? 'active' : 'normal'} />
        </div>
      )}
      {done && <Alert type="success" showIcon title={done} style={{ marginTop: 16 }} data-testid="import-done" />}
      {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 16 }} data-testid="import-failure" />}
      {errors && errors.length > 0 && (
        <>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', margin: '12px 0 8px' }}>
            <Typography.Text strong>错误报告（共 {errors.length} 处）</Typography.Text>
            <Button
              size="small"
              onClick={async () => {
                try {
                  await saveFile(await call('excel:errorReport', { fileName: file?.name ?? '导入文件', errors }));
                } catch (e) {
                  message.error(e instanceof Error ? e.message : String(e));
                }
              }}
            >
              导出错误报告
            </Button>
          </div>
          <Table<RowError>
            size="small"
            rowKey={(r, i) => `${r.row}-${r.column}-${i}`}
            dataSource={errors}
            pagination={{ pageSize: 8, showSizeChanger: false }}
            columns={[
              { title: '行号', dataIndex: 'row', width: 70 },
              { title: '列', dataIndex: 'column', width: 180 },
              { title: '错误原因', dataIndex: 'message' },
            ]}
            data-testid="import-errors"
          />
        </>
      )}
    </Modal>
  );
}
