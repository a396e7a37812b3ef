import { Button, Space } from 'antd';
import { PrinterOutlined, FilePdfOutlined, ArrowLeftOutlined } from '@ant-design/icons';

/** Print views: 打印 uses the system dialog; 导出 PDF uses Electron's printToPDF, or the browser's dialog (另存为 PDF). */
export function PrintToolbar(props: { back: string; pdfName: string }) {
  return (
    <div className="print-toolbar no-print">
      <Space>
        <Button icon={<ArrowLeftOutlined />} onClick={() => (window.location.hash = props.back)}>
          返回
        </Button>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          打印
        </Button>
        <Button
          icon={<FilePdfOutlined />}
          onClick={() => {
            if (window.countyLedger) void window.countyLedger.printToPdf(props.pdfName);
            else window.print();
          }}
        >
          导出 PDF
        </Button>
      </Space>
    </div>
  );
}
