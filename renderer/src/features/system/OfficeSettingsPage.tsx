import { useEffect, useState } from 'react';
import { Alert, App, Card, Descriptions, Input, Modal, Switch, Typography } from 'antd';
import type { Office } from '../../../../db/types';
import { call } from '../../api/client';
import { errorText } from '../../components/errors';

/** 单位设置: the office's rules of work. 职责分离 is on unless an administrator turns it off with a reason. */
export function OfficeSettingsPage() {
  const [office, setOffice] = useState<Office | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();
  useEffect(() => void call('office:get').then(setOffice).catch((e) => setError(errorText(e))), []);

  const save = async (enabled: boolean, why?: string) => {
    setBusy(true);
    setError(null);
    try {
      const o = await call('office:setSeparationOfDuties', { enabled, reason: why });
      setOffice(o);
      setAsking(false);
      message.success(enabled ? '已开启职责分离' : '已关闭职责分离，原因已记入审计日志');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!office) return error ? <Alert type="error" showIcon title={error} /> : null;
  const on = office.separation_of_duties === 1;
  return (
    <div>
      <div className="page-header">
        <h2>单位设置</h2>
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="office-error" />}
      <Card title="办公规则" size="small" style={{ maxWidth: 760 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label="单位">{office.name}</Descriptions.Item>
          <Descriptions.Item label="职责分离">
            <Switch checked={on} loading={busy} aria-label="职责分离" onChange={(v) => (v ? void save(true) : (setReason(''), setAsking(true)))} />
            <span style={{ marginLeft: 8 }}>{on ? '开启' : '关闭'}</span>
          </Descriptions.Item>
          {!on && <Descriptions.Item label="关闭原因">{office.separation_of_duties_reason}</Descriptions.Item>}
        </Descriptions>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          开启时：录入或提交申请的人不能给它初审；初审与复审须由两个人办理；录入或提交申请的人不能批准或登记拨付。
          只有一人办理业务的单位可由管理员关闭，须说明原因（记入审计日志）。
        </Typography.Paragraph>
      </Card>
      <Modal
        title="关闭职责分离"
        open={asking}
        onCancel={() => setAsking(false)}
        okText="关闭职责分离"
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }}
        onOk={() => void save(false, reason.trim())}
        destroyOnHidden
      >
        <Typography.Paragraph>关闭后，同一人可以录入、初审、复审、批准并拨付同一份申请。</Typography.Paragraph>
        <Typography.Text>原因（记入审计日志）</Typography.Text>
        <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} aria-label="关闭原因" autoFocus />
      </Modal>
    </div>
  );
}
