import { useState } from 'react';
import { App, Button, Space } from 'antd';
import { PrinterOutlined, FilePdfOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import { exportPdf } from '../api/client';
import { errorText } from './errors';

/**
 * Print views: 打印 uses the system dialog; 导出 PDF saves a file (Electron's printToPDF, or in browser mode the
 * host's print of the page). Where neither can, the print dialog opens with how to choose 另存为 PDF.
 */
export function PrintToolbar(props: { back: string; pdfName: string }) {
  const { message, modal } = App.useApp();
  const [busy, setBusy] = useState(false);
  const pdf = async () => {
    setBusy(true);
    try {
      const r = await exportPdf(props.pdfName);
      if (r === 'saved') message.success(`已导出：${props.pdfName}`);
      else {
        modal.info({
          title: '用浏览器的打印功能保存 PDF',
          content: `本机没有可用于生成 PDF 的浏览器组件。请在接下来的打印对话框中，把「目标打印机」选为「另存为 PDF」（或「Microsoft Print to PDF」），再点「保存」，文件名可填「${props.pdfName}」。`,
          okText: '打开打印对话框',
          onOk: () => window.print(),
        });
      }
    } catch (e) {
      message.error(errorText(e), 8);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="print-toolbar no-print">
      <Space>
        <Button icon={<ArrowLeftOutlined />} onClick={() => (window.location.hash = props.back)}>
          返回
        </Button>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印
        </Button>
        <Button icon={<FilePdfOutlined />} loading={busy} onClick={() => void pdf()}>
          导出 PDF
        </Button>
      </Space>
    </div>
  );
}
