/** Users and roles: create, edit name/roles/unit, disable/enable, reset a password. */
import { Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { api, ok } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ROLE_NAMES } from '../../i18n/messages.ts';
import { allUnits, PEOPLE_ROLES, type UnitItem, type UserItem, unitLabel } from './model.ts';
import { useAct, useLoad } from '../../lib/use-load.ts';

interface UserForm {
  username: string;
  displayName: string;
  unitId: string;
  roles: string[];
  password: string;
}

export default function Users() {
  const { t, name } = useI18n();
  const act = useAct();
  const users = useLoad(() => ok(api.GET('/api/v1/users', { params: { query: { limit: 1000 } } })), { items: [] as UserItem[] });
  const units = useLoad(allUnits, [] as UnitItem[]);
  const [editing, setEditing] = useState<UserItem | 'new' | null>(null);
  const [resetting, setResetting] = useState<UserItem | null>(null);
  const [form] = Form.useForm<UserForm>();
  const [pwForm] = Form.useForm<{ password: string }>();
  const unitOpts = useMemo(() => units.data.map((u) => ({ value: u.id, label: unitLabel(u) })), [units.data]);
  const roleOpts = PEOPLE_ROLES.map((r) => ({ value: r, label: name(ROLE_NAMES, r) }));

  const open = (u: UserItem | 'new') => {
    setEditing(u);
    form.resetFields();
    if (u !== 'new') form.setFieldsValue({ username: u.username, displayName: u.displayName, unitId: u.unitId, roles: u.roles });
  };
  const save = async () => {
    const v = await form.validateFields();
    const done =
      editing === 'new'
        ? await act(() => ok(api.POST('/api/v1/users', { body: { username: v.username, displayName: v.displayName, unitId: v.unitId, roles: v.roles as never, password: v.password } })), t('saved'))
        : editing && (await act(() => ok(api.PATCH('/api/v1/users/{id}', { params: { path: { id: editing.id } }, body: { displayName: v.displayName, unitId: v.unitId, roles: v.roles as never } })), t('saved')));
    if (done) {
      setEditing(null);
      await users.reload();
    }
  };
  const toggle = async (u: UserItem) => {
    const verb = u.disabled ? 'enable' : 'disable';
    if (await act(() => ok(api.POST(`/api/v1/users/{id}/${verb}`, { params: { path: { id: u.id } } })), t('saved'))) await users.reload();
  };
  const reset = async () => {
    const v = await pwForm.validateFields();
    if (resetting && (await act(() => ok(api.POST('/api/v1/users/{id}/password', { params: { path: { id: resetting.id } }, body: { password: v.password } })), t('admPasswordSet')))) setResetting(null);
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => open('new')}>
        {t('admNewUser')}
      </Button>
      <Table<UserItem>
        size="small"
        rowKey="id"
        loading={users.loading}
        dataSource={users.data.items}
        pagination={{ pageSize: 50 }}
        scroll={{ x: 900 }}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          { title: t('name'), dataIndex: 'displayName' },
          { title: t('unit'), dataIndex: 'unitName' },
          { title: t('roles'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{name(ROLE_NAMES, r)}</Tag>) },
          { title: t('status'), render: (_, u) => (u.disabled ? <Tag color="red">{t('admDisabled')}</Tag> : <Tag color="green">{t('active')}</Tag>) },
          {
            title: t('admOperations'),
            render: (_, u) => (
              <Space wrap>
                <Button size="small" onClick={() => open(u)} aria-label={`${t('admEdit')} ${u.username}`}>
                  {t('admEdit')}
                </Button>
                <Button size="small" onClick={() => {
                    pwForm.resetFields();
                    setResetting(u);
                  }} aria-label={`${t('admResetPassword')} ${u.username}`}>
                  {t('admResetPassword')}
                </Button>
                <Popconfirm title={u.disabled ? t('admEnableQ') : t('admDisableQ')} onConfirm={() => toggle(u)} okText={t('admConfirm')} cancelText={t('cancel')}>
                  <Button size="small" danger={!u.disabled} aria-label={`${u.disabled ? t('admEnable') : t('admDisable')} ${u.username}`}>
                    {u.disabled ? t('admEnable') : t('admDisable')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal title={editing === 'new' ? t('admNewUser') : t('admEditUser')} open={editing !== null} onOk={save} onCancel={() => setEditing(null)} okText={t('save')} cancelText={t('cancel')} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('required') }, { pattern: /^[A-Za-z0-9_.@-]{2,64}$/, message: t('admUsernameRule') }]}>
            <Input disabled={editing !== 'new'} autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('admDisplayName')} rules={[{ required: true, whitespace: true, message: t('required') }, { max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="unitId" label={t('unit')} rules={[{ required: true, message: t('required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={unitOpts} />
          </Form.Item>
          <Form.Item name="roles" label={t('roles')} rules={[{ required: true, message: t('required') }]}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={roleOpts} />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="password" label={t('admInitialPassword')} rules={[{ required: true, message: t('required') }, { min: 8, message: t('admPasswordRule') }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal title={`${t('admResetPassword')}：${resetting?.username ?? ''}`} open={resetting !== null} onOk={reset} onCancel={() => setResetting(null)} okText={t('save')} cancelText={t('cancel')} forceRender>
        <Form form={pwForm} layout="vertical">
          <Form.Item name="password" label={t('admNewPassword')} rules={[{ required: true, message: t('required') }, { min: 8, message: t('admPasswordRule') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
