/**
 * Row types of every table, as Kysely sees them. Times are epoch milliseconds (UTC) in both
 * stores; flags are 0/1; JSON columns are text and parsed by the owning repository.
 */
export interface DistrictRow {
  id: string;
  code: string;
  name: string;
  case_prefix: string;
  settings: string;
  demo: number;
  created_at: number;
}

export interface UnitRow {
  id: string;
  district_id: string;
  code: string;
  name: string;
  name_en: string | null;
  kind: string;
  parent_id: string | null;
  path: string;
  geometry: string | null;
  demo_geometry: number;
  created_at: number;
  updated_at: number;
}

export interface UserRow {
  id: string;
  district_id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  roles: string;
  unit_id: string;
  phone: string | null;
  disabled: number;
  created_at: number;
}

export interface SessionRow {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface ApiKeyRow {
  id: string;
  key_hash: string;
  prefix: string;
  name: string;
  user_id: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface CategoryRow {
  district_id: string;
  kind: string;
  code: string;
  major_code: string;
  major_name: string;
  name: string;
  standard: string;
  local: number;
  default_urgency: string;
  limits: string;
  register_condition: string | null;
  close_condition: string | null;
  responsible: string | null;
  auto_dispatch: number;
  dedup_radius_m: number;
  active: number;
}

export interface ResponsibilityRuleRow {
  id: string;
  district_id: string;
  category_kind: string;
  category_code: string;
  area_unit_id: string | null;
  unit_id: string;
  created_at: number;
}

export interface CaseRow {
  id: string;
  district_id: string;
  number: string;
  channel: string;
  description: string;
  /** GCJ-02; null while a person still has to place an address-only report. */
  lng: number | null;
  lat: number | null;
  address: string | null;
  category_kind: string | null;
  category_code: string | null;
  urgency: string;
  state: string;
  /** Optimistic-concurrency token: bumped by every user action. */
  version: number;
  /** Number of events so far; system events (SLA timers) bump it without bumping version. */
  event_count: number;
  suspended: number;
  suspended_remaining_min: number | null;
  postpone_until: number | null;
  postpone_reason: string | null;
  supervised: number;
  escalated: number;
  rework_count: number;
  return_count: number;
  postpone_count: number;
  reporter_name: string | null;
  reporter_phone: string | null;
  street_id: string | null;
  community_id: string | null;
  grid_id: string | null;
  social_grid_id: string | null;
  outside_jurisdiction: number;
  lead_unit_id: string | null;
  stage: string | null;
  stage_seq: number;
  stage_started_at: number | null;
  stage_limit_min: number | null;
  warn_at: number | null;
  deadline_at: number | null;
  merged_into: string | null;
  satisfaction: string | null;
  resolved: number | null;
  photos: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  /** Dedup lattice cell (see domain intake/dedup.ts); null without a location. */
  cell: number | null;
  /** A case closed at this place with this category in the last 30 days (反复发生). */
  repeat_of: string | null;
}

export interface CaseUnitRow {
  case_id: string;
  unit_id: string;
  role: 'lead' | 'cohandler';
  active: number;
  since: number;
}

export interface CaseEventRow {
  id: string;
  district_id: string;
  case_id: string;
  seq: number;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_user_id: string | null;
  actor_unit_id: string | null;
  at: number;
  reason: string | null;
  payload: string;
}

export interface CaseTimerRow {
  id: string;
  district_id: string;
  case_id: string;
  stage_seq: number;
  kind: 'warn' | 'overdue';
  due_at: number;
  fired_at: number | null;
  cancelled_at: number | null;
}

export interface IdempotencyRow {
  user_id: string;
  key: string;
  case_id: string;
  created_at: number;
}

export interface CounterRow {
  district_id: string;
  name: string;
  value: number;
}

export interface FileRow {
  id: string;
  district_id: string;
  sha256: string;
  mime: string;
  size: number;
  uploaded_by: string;
  created_at: number;
}

export interface OutboxRow {
  id: string;
  district_id: string;
  topic: string;
  payload: string;
  created_at: number;
  processed_at: number | null;
}

export interface NotificationRow {
  id: string;
  district_id: string;
  user_id: string | null;
  unit_id: string | null;
  kind: string;
  case_id: string | null;
  title: string;
  body: string | null;
  source_event: string;
  created_at: number;
  read_at: number | null;
}

export interface WebhookRow {
  id: string;
  district_id: string;
  url: string;
  secret: string;
  topics: string;
  active: number;
  created_at: number;
}

export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  topic: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  delivered_at: number | null;
  failed_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

export interface ClassifierModelRow {
  id: string;
  district_id: string;
  version: string;
  created_at: number;
  /** Examples the model was trained on. */
  examples: number;
  /** JSON: held-out evaluation, training time, label and feature counts. */
  metrics: string;
  /** JSON: the model as @onegrid/domain/text/classifier serialises it. */
  model: string;
  active: number;
}

export interface GazetteerEntryRow {
  id: string;
  district_id: string;
  kind: 'road' | 'door' | 'poi' | 'area';
  name: string;
  /** JSON array of strings. */
  aliases: string;
  road: string | null;
  /** Door number, canonical "12" or "12-1". */
  number: string | null;
  /** GCJ-02. */
  lng: number;
  lat: number;
  /** The town/street the point lay in when imported (informational; geocoding locates afresh). */
  unit_id: string | null;
  source: string;
  created_at: number;
}

export interface DeviceRow {
  id: string;
  district_id: string;
  code: string;
  type: string;
  name: string;
  /** GCJ-02. */
  lng: number;
  lat: number;
  /** GB/T 47678.5 component code of the thing watched (e.g. 01003 雨水井盖). */
  component_code: string | null;
  /** The unit that owns and maintains the device. */
  unit_id: string | null;
  created_at: number;
}

export interface DeviceLatestRow {
  device_id: string;
  measurement: string;
  value: number;
  at: number;
}

export interface ReadingRow {
  device_id: string;
  measurement: string;
  at: number;
  value: number;
  received_at: number;
}

export interface PerceptionRuleRow {
  id: string;
  district_id: string;
  code: string;
  name: string;
  device_type: string;
  /** JSON: @onegrid/domain/perception/rules Condition. */
  condition: string;
  for_minutes: number;
  clear_minutes: number;
  category_kind: string | null;
  category_code: string | null;
  urgency: string;
  active: number;
  /** 1 when time alone can move the rule (offline, waiting periods): the worker ticks it. */
  ticks: number;
  /** 1: a raised alarm becomes a case at once, reported as the district's system user. */
  auto_report: number;
  created_at: number;
  updated_at: number;
}

export interface RuleStateRow {
  device_id: string;
  rule_id: string;
  district_id: string;
  status: string;
  /** JSON: @onegrid/domain/perception/rules RuleState. */
  state: string;
  version: number;
  updated_at: number;
}

export interface AlarmRow {
  id: string;
  district_id: string;
  device_id: string;
  rule_id: string;
  /** "device:rule" while the alarm is open, null once cleared (unique: one open alarm per pair). */
  open_key: string | null;
  status: 'raised' | 'acknowledged' | 'cleared';
  raised_at: number;
  /** JSON: measurement → value when raised. */
  raised_values: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  case_id: string | null;
  cleared_at: number | null;
  cleared_values: string | null;
}

export interface IngestCounterRow {
  district_id: string;
  source: string;
  /** "accepted", or a reject reason. */
  outcome: string;
  count: number;
  updated_at: number;
}

export interface ReadingRollupRow {
  device_id: string;
  measurement: string;
  bucket: 'minute' | 'hour';
  /** Start of the bucket, epoch ms. */
  start: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

export interface RollupCursorRow {
  name: string;
  /** received_at of the last raw reading folded in. */
  position: number;
}

export interface LoginFailureRow {
  username: string;
  count: number;
  /** Start of the current failure window (epoch ms). */
  since: number;
}

export interface EvaluationSchemeRow {
  district_id: string;
  version: number;
  /** JSON: @onegrid/domain/evaluation/scheme Scheme. */
  body: string;
  created_by: string | null;
  created_at: number;
}

export interface IndexInputRow {
  district_id: string;
  /** A month, `2024-03`. */
  period: string;
  code: string;
  value: number;
  updated_by: string | null;
  updated_at: number;
}

/** A supervision order (督办单); see modules/supervision. */
export interface SupervisionOrderRow {
  id: string;
  district_id: string;
  number: string;
  subject_kind: 'case' | 'unit' | 'target';
  case_id: string | null;
  case_number: string | null;
  target_id: string | null;
  /** The responsible unit: it must respond. */
  unit_id: string;
  source: 'manual' | 'overdue' | 'target_report_overdue' | 'card';
  reason: string;
  issued_by: string | null;
  issued_at: number;
  /** Response deadline, counted in the district's working time. */
  deadline_at: number;
  status: 'open' | 'escalated' | 'responded' | 'closed';
  version: number;
  escalated_at: number | null;
  /** The unit whose leaders were told of the escalation (null: no leader found). */
  escalated_to_unit_id: string | null;
  responded_at: number | null;
  responded_by: string | null;
  response_text: string | null;
  /** JSON array of file ids. */
  response_files: string | null;
  closed_at: number | null;
  closed_by: string | null;
  close_note: string | null;
  dedupe_key: string | null;
}

export interface SupervisionOrderEventRow {
  id: string;
  order_id: string;
  action: 'issued' | 'escalated' | 'responded' | 'closed';
  actor_user_id: string | null;
  at: number;
  note: string | null;
  payload: string;
}

/** Outbox messages the supervision module reacts to, copied in the outbox transaction. */
export interface SupervisionInboxRow {
  message_id: string;
  district_id: string;
  topic: string;
  payload: string;
  created_at: number;
  processed_at: number | null;
}

/** A yellow or red card (黄牌/红牌), unique per unit × period × indicator. */
export interface SupervisionCardRow {
  id: string;
  district_id: string;
  unit_id: string;
  period: string;
  indicator: string;
  colour: 'yellow' | 'red';
  value: number;
  threshold: number;
  order_id: string | null;
  issued_at: number;
  updated_at: number;
}

/** Work-report targets (issue #5); JSON columns: milestones, co_unit_ids. */
export interface TargetRow {
  id: string;
  district_id: string;
  year: number;
  code: string;
  name: string;
  name_en: string | null;
  category: string;
  kind: 'indicator' | 'task';
  metric: string | null;
  unit_of_measure: string | null;
  direction: 'at_least' | 'at_most' | 'growth_pct' | null;
  accrual: 'cumulative' | 'level' | null;
  baseline_value: number | null;
  baseline_year: number | null;
  target_value: number | null;
  tolerance: number;
  milestones: string;
  grace_days: number;
  deadline: string;
  lead_unit_id: string;
  co_unit_ids: string;
  cadence: 'monthly' | 'quarterly';
  source_quote: string | null;
  note: string | null;
  version: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One progress report; `current_key` ("target:period:unit") is null once a correction supersedes it. */
export interface TargetProgressRow {
  id: string;
  district_id: string;
  target_id: string;
  period: string;
  period_end: number;
  unit_id: string;
  current_key: string | null;
  value: number | null;
  milestones_done: string;
  narrative: string;
  attachments: string;
  reported_by: string | null;
  reported_at: number;
  superseded_at: number | null;
}

export interface TargetReminderRow {
  dedupe_key: string;
  district_id: string;
  created_at: number;
}

/** A review (复盘) of a closed case or a settled alarm; timeline is JSON [{at, what}]. */
export interface ReviewRow {
  id: string;
  district_id: string;
  subject_kind: 'case' | 'alarm';
  subject_id: string;
  title: string;
  what_happened: string;
  timeline: string;
  cause: string;
  changes: string;
  author_id: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface CockpitCaseRow {
  case_id: string;
  district_id: string;
  /** '' for a case outside every street (not yet placed). */
  street_id: string;
  state: string;
  light: string;
}

export interface CockpitOpenRow {
  district_id: string;
  street_id: string;
  state: string;
  light: string;
  n: number;
}

export interface CockpitDailyRow {
  district_id: string;
  metric: string;
  dim: string;
  /** District-local day number: days since 1970-01-01 in UTC+8. */
  day: number;
  key: string;
  n: number;
}

/** One administrative change (操作日志); `summary` is JSON of the changed fields and their new values. */
export interface AuditLogRow {
  id: string;
  district_id: string;
  /** null when the actor's user row is gone or the change came from the system. */
  actor_user_id: string | null;
  actor_username: string;
  action: string;
  subject_kind: string;
  subject_id: string;
  summary: string;
  at: number;
}

export interface DB {
  districts: DistrictRow;
  units: UnitRow;
  users: UserRow;
  sessions: SessionRow;
  login_failures: LoginFailureRow;
  api_keys: ApiKeyRow;
  categories: CategoryRow;
  responsibility_rules: ResponsibilityRuleRow;
  cases: CaseRow;
  case_units: CaseUnitRow;
  case_events: CaseEventRow;
  case_timers: CaseTimerRow;
  idempotency_keys: IdempotencyRow;
  counters: CounterRow;
  files: FileRow;
  outbox: OutboxRow;
  notifications: NotificationRow;
  webhooks: WebhookRow;
  webhook_deliveries: WebhookDeliveryRow;
  classifier_models: ClassifierModelRow;
  gazetteer_entries: GazetteerEntryRow;
  devices: DeviceRow;
  device_latest: DeviceLatestRow;
  readings: ReadingRow;
  perception_rules: PerceptionRuleRow;
  rule_states: RuleStateRow;
  alarms: AlarmRow;
  ingest_counters: IngestCounterRow;
  reading_rollups: ReadingRollupRow;
  rollup_cursors: RollupCursorRow;
  evaluation_schemes: EvaluationSchemeRow;
  index_inputs: IndexInputRow;
  cockpit_cases: CockpitCaseRow;
  cockpit_open: CockpitOpenRow;
  cockpit_daily: CockpitDailyRow;
  supervision_orders: SupervisionOrderRow;
  supervision_order_events: SupervisionOrderEventRow;
  supervision_inbox: SupervisionInboxRow;
  supervision_cards: SupervisionCardRow;
  targets: TargetRow;
  target_progress: TargetProgressRow;
  target_reminders: TargetReminderRow;
  reviews: ReviewRow;
  audit_log: AuditLogRow;
}
