/**
 * The scheme a district starts with (DOMAIN.md §5). Weights follow the published practice where
 * there is one — posts after the open-source 数字城管 platform (值班长 25/40/35, 派遣员 20/40/40),
 * departments after Fuzhou (结案率, 按期结案率, 返工率), hotline 三率 30/35/35 — and are all
 * editable: a district saves its own version through the API.
 *
 * Deviation, stated: the 监督员 formula there has 漏报率 and 按时核实率; OneGrid has no separate
 * verify step and 漏报率 belongs to an area, so a grid worker is judged on 有效上报率 50, 按时核查率
 * 30 and report volume 20, and 漏报率 goes into the grid and community composites.
 */
import type { IndicatorDef, Mapping, Scheme } from './scheme.ts';

const rate: Mapping = { kind: 'rate' };
const inverse: Mapping = { kind: 'inverse_rate' };
const relative: Mapping = { kind: 'relative' };
const pct = (id: string, zh: string, en: string, formula: string, definition?: string): IndicatorDef => ({ id, zh, en, formula, format: 'percent', definition });

export const DEFAULT_SCHEME: Scheme = {
  name: '默认综合评价方案 (default, DOMAIN.md §5)',
  indicators: [
    pct('registration_rate', '立案率', 'registration rate', 'registered / accepted', '立案数 / 受理数'),
    pct('close_rate', '结案率', 'close rate', 'closed / due_to_close', '结案数 / 应结案数'),
    pct('closed_on_time_rate', '按期结案率', 'closed-on-time rate', 'closed_on_time / due_to_close', '按期结案数 / 应结案数'),
    pct('closed_on_time_rate_net', '按期结案率(扣除缓办)', 'closed-on-time rate, net of suspended', 'closed_on_time / (due_to_close - suspended_at_end)', '按期结案数 / (应结案数 − 期末缓办数)'),
    pct('closed_on_time_share', '按时结案率', 'share of closes on time', 'closed_on_time / closed', '按期结案数 / 结案数 (of the closes a person made)'),
    pct('handle_rate', '处置率', 'handling rate', 'handled / due_to_handle', '处置数 / 应处置数'),
    pct('handled_on_time_rate', '按期处置率', 'handled-on-time rate', 'handled_on_time / due_to_handle', '按期处置数 / 应处置数'),
    pct('rework_rate', '返工率', 'rework rate', 'reworked / handled', '返工数 / 处置数'),
    pct('valid_report_rate', '有效上报率', 'valid report rate', 'reported_valid / reported', '有效上报数 / 上报数'),
    pct('miss_rate', '漏报率', 'missed-by-patrol rate', 'reported_public / registered', '公众首报立案数 / 立案数'),
    pct('accurate_registration_rate', '准确立案率', 'accurate registration rate', '(registered - voided) / registered', '(立案数 − 作废数) / 立案数'),
    pct('registered_on_time_rate', '按时立案率', 'registered-on-time rate', 'registered_on_time / registered'),
    pct('accepted_on_time_rate', '按时受理率', 'accepted-on-time rate', 'accepted_on_time / accepted'),
    pct('dispatched_on_time_rate', '按时派遣率', 'dispatched-on-time rate', 'dispatched_on_time / dispatched'),
    pct('accurate_dispatch_rate', '准确派遣率', 'accurate dispatch rate', '(dispatched - returned) / dispatched', '(派遣数 − 退回数) / 派遣数'),
    pct('checked_on_time_rate', '按时核查率', 'checked-on-time rate', 'checked_on_time / checked'),
    pct('response_rate', '响应率', 'response rate (hotline)', 'hotline_signed_on_time / hotline_dispatched', '热线按时响应数 / 热线派单数'),
    pct('resolution_rate', '解决率', 'resolution rate (hotline)', 'hotline_resolved / hotline_visited', '热线解决数 / 热线回访数'),
    pct('satisfaction_rate', '满意率', 'satisfaction rate (hotline)', 'hotline_satisfied / hotline_visited', '热线满意数 / 热线回访数'),
    pct('satisfaction_all', '群众满意率', 'satisfaction rate (all channels)', 'satisfied / visited', '满意数 / 回访数'),
    pct('resolution_all', '问题解决率', 'resolution rate (all channels)', 'resolved / visited', '解决数 / 回访数'),
    pct('repeat_rate', '反复发生率', 'repeat-problem rate', 'repeat_reported / reported', '反复发生数 / 上报数'),
    { id: 'mean_handle_hours', zh: '平均处置时长(小时)', en: 'mean handling hours', formula: 'handle_minutes / handled / 60', format: 'hours' },
    { id: 'mean_close_hours', zh: '平均结案时长(小时)', en: 'mean hours to close', formula: 'close_minutes / closed / 60', format: 'hours' },
    { id: 'reports', zh: '上报数', en: 'reports', formula: 'reported', format: 'number' },
    { id: 'accepts', zh: '受理数', en: 'accepted', formula: 'accepted', format: 'number' },
    { id: 'dispatches', zh: '派遣数', en: 'dispatches', formula: 'dispatched', format: 'number' },
  ],
  composites: [
    {
      id: 'department',
      zh: '专业部门综合评价',
      en: 'department composite',
      objectType: 'department',
      items: [
        { indicator: 'close_rate', weight: 30, mapping: rate },
        { indicator: 'closed_on_time_rate', weight: 50, mapping: rate },
        { indicator: 'rework_rate', weight: 20, mapping: inverse },
      ],
    },
    ...(['street', 'community', 'grid'] as const).map((objectType) => ({
      id: objectType,
      zh: { street: '镇街区域评价', community: '社区区域评价', grid: '网格区域评价' }[objectType],
      en: `${objectType} composite`,
      objectType,
      items: [
        { indicator: 'close_rate', weight: 25, mapping: rate },
        { indicator: 'closed_on_time_rate', weight: 35, mapping: rate },
        { indicator: 'rework_rate', weight: 10, mapping: inverse },
        { indicator: 'miss_rate', weight: 10, mapping: inverse },
        { indicator: 'satisfaction_all', weight: 20, mapping: rate },
      ],
    })),
    ...(['department', 'street'] as const).map((objectType) => ({
      id: `hotline_${objectType}`,
      zh: '12345热线三率',
      en: 'hotline three rates',
      objectType,
      items: [
        { indicator: 'response_rate', weight: 30, mapping: rate },
        { indicator: 'resolution_rate', weight: 35, mapping: rate },
        { indicator: 'satisfaction_rate', weight: 35, mapping: rate },
      ],
    })),
    ...(['post', 'person'] as const).flatMap((objectType) => [
      {
        id: `${objectType}_grid_worker`,
        zh: '监督员',
        en: 'grid worker (supervisor on patrol)',
        objectType,
        role: 'grid_worker',
        items: [
          { indicator: 'valid_report_rate', weight: 50, mapping: rate },
          { indicator: 'checked_on_time_rate', weight: 30, mapping: rate },
          { indicator: 'reports', weight: 20, mapping: relative },
        ],
      },
      {
        id: `${objectType}_intake`,
        zh: '受理员',
        en: 'intake operator',
        objectType,
        role: 'intake',
        items: [
          { indicator: 'accepted_on_time_rate', weight: 60, mapping: rate },
          { indicator: 'accepts', weight: 40, mapping: relative },
        ],
      },
      {
        id: `${objectType}_shift_leader`,
        zh: '值班长',
        en: 'shift leader',
        objectType,
        role: 'shift_leader',
        items: [
          { indicator: 'registered_on_time_rate', weight: 25, mapping: rate },
          { indicator: 'accurate_registration_rate', weight: 40, mapping: rate },
          { indicator: 'closed_on_time_share', weight: 35, mapping: rate },
        ],
      },
      {
        id: `${objectType}_dispatcher`,
        zh: '派遣员',
        en: 'dispatcher',
        objectType,
        role: 'dispatcher',
        items: [
          { indicator: 'dispatches', weight: 20, mapping: relative },
          { indicator: 'dispatched_on_time_rate', weight: 40, mapping: rate },
          { indicator: 'accurate_dispatch_rate', weight: 40, mapping: rate },
        ],
      },
    ]),
  ],
  grades: [
    { grade: 'A', min: 90 },
    { grade: 'B', min: 75 },
    { grade: 'C', min: 60 },
    { grade: 'D', min: 40 },
    { grade: 'E', min: 0 },
  ],
  redList: 3,
  blackList: 3,
  indices: [
    {
      id: 'governance',
      zh: '城市治理指数',
      en: 'governance index',
      components: [
        { source: 'indicator', code: 'close_rate', zh: '结案率', en: 'close rate', weight: 25, mapping: rate },
        { source: 'indicator', code: 'closed_on_time_rate', zh: '按期结案率', en: 'closed-on-time rate', weight: 30, mapping: rate },
        { source: 'indicator', code: 'rework_rate', zh: '返工率', en: 'rework rate', weight: 15, mapping: inverse },
        { source: 'indicator', code: 'repeat_rate', zh: '反复发生率', en: 'repeat-problem rate', weight: 15, mapping: inverse },
        { source: 'input', code: 'alarm_response_rate', zh: '感知告警按时响应率', en: 'sensor alarms answered in time', weight: 15, mapping: rate },
      ],
    },
    {
      id: 'service',
      zh: '民生服务指数',
      en: 'service index',
      components: [
        { source: 'indicator', code: 'satisfaction_all', zh: '群众满意率', en: 'satisfaction', weight: 40, mapping: rate },
        { source: 'indicator', code: 'resolution_all', zh: '问题解决率', en: 'resolution', weight: 35, mapping: rate },
        { source: 'indicator', code: 'mean_close_hours', zh: '平均结案时长', en: 'mean hours to close', weight: 25, mapping: { kind: 'linear', worst: 168, best: 8 } },
      ],
    },
    {
      id: 'development',
      zh: '经济发展指数',
      en: 'development index',
      // 2024 work-report targets (DOMAIN.md §9) score 100; the worst end is a plausible floor.
      components: [
        { source: 'input', code: 'gdp_growth', zh: 'GDP增速(%)', en: 'GDP growth %', weight: 25, mapping: { kind: 'linear', worst: 0, best: 6 } },
        { source: 'input', code: 'fixed_asset_growth', zh: '固定资产投资增速(%)', en: 'fixed-asset investment growth %', weight: 15, mapping: { kind: 'linear', worst: -5, best: 5 } },
        { source: 'input', code: 'industrial_va_growth', zh: '规上工业增加值增速(%)', en: 'industrial value added growth %', weight: 15, mapping: { kind: 'linear', worst: 0, best: 8.5 } },
        { source: 'input', code: 'retail_growth', zh: '社零总额增速(%)', en: 'retail sales growth %', weight: 15, mapping: { kind: 'linear', worst: 0, best: 7.5 } },
        { source: 'input', code: 'income_growth', zh: '居民人均可支配收入增速(%)', en: 'disposable income growth %', weight: 15, mapping: { kind: 'linear', worst: 0, best: 6 } },
        { source: 'input', code: 'unemployment_rate', zh: '城镇调查失业率(%)', en: 'surveyed unemployment %', weight: 15, mapping: { kind: 'linear', worst: 7.5, best: 5.5 } },
      ],
    },
  ],
};
