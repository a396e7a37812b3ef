import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Modal, Row, Space, Table, App } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AttendeeRow, CourseRow, EnterpriseCourseTotal } from '../../../../db/types';
import { training } from '../../stores/training';
import { EnterpriseSelect } from '../../components/EnterpriseSelect';
import { errorText } from '../../components/errors';
import { enterToNext } from '../../components/useEnterToNext';
import { DateInput, putFieldErrors } from './common';
import { thisYear } from './format';
import { OriginSelect, useOrigins } from '../../components/OriginFilter';

type Course = CourseRow & { attendees: Array<AttendeeRow & { enterprise_name: string }> };

/** 企业家培训 (Shanxi 条例 art. 14): courses, who attended, and each enterprise's total for the year. */
export function CoursesPage() {
  const [year, setYear] = useState(thisYear());
  const [origin, setOrigin] = useState<string | undefined>();
  const origins = useOrigins('course');
  const [courses, setCourses] = useState<Course[]>([]);
  const [totals, setTotals] = useState<EnterpriseCourseTotal[]>([]);
  const [courseOpen, setCourseOpen] = useState(false);
  const [attendeeFor, setAttendeeFor] = useState<Course | null>(null);
  const { message } = App.useApp();
  const load = () =>
    void Promise.all([training.courses(year, origin), training.courseTotals(year, origin)])
      .then(([c, t]) => {
        setCourses(c);
        setTotals(t);
      })
      .catch((e) => message.error(errorText(e)));
  useEffect(load, [year, origin]);
  const whose = origin ? `${origins.find((o) => o.code === origin)?.name ?? origin}：` : '';

  return (
    <div>
      <div className="page-header">
        <h2>企业家培训</h2>
        <Space>
          <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} addonAfter="年" style={{ width: 130 }} aria-label="年度" />
          <OriginSelect options={origins} value={origin} onChange={setOrigin} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCourseOpen(true)}>
            新建课程
          </Button>
        </Space>
      </div>
      <Card size="small" title={`${whose}${year} 年课程`} style={{ marginBottom: 16 }}>
        <Table<Course>
          rowKey="id"
          size="small"
          dataSource={courses}
          pagination={false}
          data-testid="course-table"
          locale={{ emptyText: '本年度还没有课程' }}
          expandable={{
            expandedRowRender: (c) => (
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={c.attendees}
                locale={{ emptyText: '尚无参训人' }}
                columns={[
                  { title: '企业', dataIndex: 'enterprise_name' },
                  { title: '姓名', dataIndex: 'person_name', width: 120 },
                  { title: '职务', dataIndex: 'position', width: 120 },
                  { title: '参训学时', dataIndex: 'hours_attended', width: 100, align: 'right' },
                ]}
              />
            ),
          }}
          columns={[
            { title: '课程名称', dataIndex: 'title' },
            { title: '主办单位', dataIndex: 'organiser', width: 200 },
            { title: '日期', width: 210, render: (_: unknown, c) => (c.start_date === c.end_date ? c.start_date : `${c.start_date} 至 ${c.end_date}`) },
            { title: '学时', dataIndex: 'hours', width: 70, align: 'right' },
            { title: '地点', dataIndex: 'location', width: 120 },
            { title: '参训人数', width: 90, align: 'right', render: (_: unknown, c) => c.attendees.length },
            {
              title: '操作',
              width: 110,
              render: (_: unknown, c) => (
                <Button size="small" type="link" onClick={() => setAttendeeFor(c)}>
                  添加参训人
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={`${whose}${year} 年各企业参训合计`}>
        <Table<EnterpriseCourseTotal>
          rowKey="enterprise_id"
          size="small"
          dataSource={totals}
          pagination={false}
          data-testid="course-totals"
          columns={[
            { title: '企业', dataIndex: 'enterprise_name' },
            { title: '课程数', dataIndex: 'courses', width: 100, align: 'right' },
            { title: '参训人数', dataIndex: 'attendees', width: 100, align: 'right' },
            { title: '参训学时', dataIndex: 'hours', width: 100, align: 'right' },
          ]}
        />
      </Card>
      <CourseModal
        open={courseOpen}
        onClose={() => setCourseOpen(false)}
        onSaved={() => {
          setCourseOpen(false);
          load();
        }}
      />
      <AttendeeModal
        course={attendeeFor}
        onClose={() => setAttendeeFor(null)}
        onSaved={() => {
          setAttendeeFor(null);
          load();
        }}
      />
    </div>
  );
}

function CourseModal(props: { open: boolean; onClose(): void; onSaved(): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.open) {
      setError(null);
      form.resetFields();
    }
  }, [props.open, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await training.createCourse(v as never);
      props.onSaved();
    } catch (e) {
      putFieldErrors(form, e);
      setError(errorText(e));
    }
  };
  return (
    <Modal title="新建企业家培训课程" open={props.open} onCancel={props.onClose} onOk={() => void submit()} okText="保存" destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void submit())}>
        <Form.Item name="title" label="课程名称" rules={[{ required: true, message: '请填写课程名称' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="organiser" label="主办单位" rules={[{ required: true, message: '请填写主办单位' }]}>
          <Input />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="start_date" label="开始日期" rules={[{ required: true, message: '请选择' }]}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="end_date" label="结束日期" rules={[{ required: true, message: '请选择' }]}>
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="hours" label="学时" rules={[{ required: true, message: '请填写' }]}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="location" label="地点">
              <Input />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

function AttendeeModal(props: { course: Course | null; onClose(): void; onSaved(): void }) {
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.course) {
      setError(null);
      form.resetFields();
      form.setFieldsValue({ hours_attended: props.course.hours });
    }
  }, [props.course, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await training.addAttendee({ course_id: props.course!.id, ...(v as object) } as never);
      props.onSaved();
    } catch (e) {
      putFieldErrors(form, e);
      setError(errorText(e));
    }
  };
  return (
    <Modal title={`添加参训人：${props.course?.title ?? ''}`} open={!!props.course} onCancel={props.onClose} onOk={() => void submit()} okText="保存" destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onKeyDown={enterToNext(() => void submit())}>
        <Form.Item name="enterprise_id" label="企业" rules={[{ required: true, message: '请选择企业' }]}>
          <EnterpriseSelect />
        </Form.Item>
        <Form.Item name="person_name" label="姓名（企业负责人）" rules={[{ required: true, message: '请填写姓名' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="position" label="职务">
          <Input placeholder="如 董事长、总经理" />
        </Form.Item>
        <Form.Item name="hours_attended" label="参训学时" rules={[{ required: true, message: '请填写' }]}>
          <InputNumber min={0} precision={0} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
