import { useEffect } from 'react';
import { Spin } from 'antd';
import { useApp, startIdleWatch } from './stores/app';
import { SetupPage } from './features/setup/SetupPage';
import { LoginPage } from './features/auth/LoginPage';
import { LockPage } from './features/auth/LockPage';
import { RecoveryPage } from './features/system/RecoveryPage';
import { Shell } from './Shell';

export function Root() {
  const { status, loading, refresh } = useApp();
  useEffect(() => {
    void refresh();
    return startIdleWatch();
  }, [refresh]);

  if (loading || !status) {
    return (
      <div className="centered-page">
        <Spin size="large" tip="正在打开台账…">
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </div>
    );
  }
  if (status.state === 'error') return <RecoveryPage status={status} />;
  if (!status.initialized) return <SetupPage />;
  if (status.session.state === 'none') return <LoginPage office={status.office} />;
  if (status.session.state === 'locked') return <LockPage user={status.session.user!} />;
  return <Shell status={status} />;
}
