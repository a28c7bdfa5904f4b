/**
 * Which outbox topics notify whom. Targets are units (every active user of the unit gets an
 * inbox row) narrowed by role; titles are Chinese, `kind` is the stable code the console translates.
 */
import type { Role } from '@onegrid/domain/access/roles';

/** 'unit' is payload.unitId (e.g. a supervision order's responsible unit), 'leader' payload.leaderUnitId. */
export type Target = 'lead' | 'cohandlers' | 'centre' | 'community' | 'unit' | 'leader';

export interface NotificationRule {
  kind: string;
  to: Array<{ unit: Target; roles?: Role[] }>;
  title: (number: string) => string;
}

const CENTRE_DISPATCH: Role[] = ['dispatcher', 'shift_leader'];

export const NOTIFICATION_RULES: Record<string, NotificationRule> = {
  'case.dispatch': {
    kind: 'dispatched',
    to: [{ unit: 'lead' }, { unit: 'cohandlers' }],
    title: (n) => `案件 ${n} 已派遣至你单位，请及时签收`,
  },
  'case.add_cohandler': { kind: 'cohandling', to: [{ unit: 'cohandlers' }], title: (n) => `你单位被加派为案件 ${n} 的协办单位` },
  'case.return': { kind: 'returned', to: [{ unit: 'centre', roles: CENTRE_DISPATCH }], title: (n) => `案件 ${n} 被退回，请重新派遣` },
  'case.sla_warning': { kind: 'warning', to: [{ unit: 'lead' }], title: (n) => `案件 ${n} 即将超时（黄灯）` },
  'case.sla_overdue': {
    kind: 'overdue',
    to: [{ unit: 'lead' }, { unit: 'centre', roles: ['shift_leader', 'supervisor'] }],
    title: (n) => `案件 ${n} 已超时（红灯）`,
  },
  'case.supervise': { kind: 'supervised', to: [{ unit: 'lead' }], title: (n) => `案件 ${n} 被督办，请加快处置` },
  'case.escalate': { kind: 'escalated', to: [{ unit: 'centre', roles: CENTRE_DISPATCH }], title: (n) => `案件 ${n} 上报区级协调` },
  'case.postpone_request': {
    kind: 'postponement_requested',
    to: [{ unit: 'centre', roles: CENTRE_DISPATCH }],
    title: (n) => `案件 ${n} 申请延期，待审批`,
  },
  'case.postpone_approve': { kind: 'postponement_approved', to: [{ unit: 'lead' }], title: (n) => `案件 ${n} 延期申请已批准` },
  'case.postpone_deny': { kind: 'postponement_denied', to: [{ unit: 'lead' }], title: (n) => `案件 ${n} 延期申请未批准` },
  'case.check_fail': { kind: 'rework', to: [{ unit: 'lead' }], title: (n) => `案件 ${n} 核查未通过，需返工` },
  'case.report_handled': {
    kind: 'to_check',
    to: [{ unit: 'community', roles: ['grid_worker'] }, { unit: 'centre', roles: ['shift_leader'] }],
    title: (n) => `案件 ${n} 已处置完毕，待核查`,
  },
  'supervision.issued': { kind: 'supervision_issued', to: [{ unit: 'unit' }], title: (n) => `督办单 ${n} 已下达，请在回复期限内回复` },
  'supervision.responded': {
    kind: 'supervision_responded',
    to: [{ unit: 'centre', roles: ['supervisor', 'shift_leader'] }],
    title: (n) => `督办单 ${n} 已回复，请审核办结`,
  },
  'supervision.escalated': { kind: 'supervision_escalated', to: [{ unit: 'leader', roles: ['leader'] }], title: (n) => `督办单 ${n} 逾期未回复，已报领导` },
};
