/** Names of the codes people see (zh-CN, en-US), shared by the console and server-made charts. */
export type Names = Record<string, [zh: string, en: string]>;

export const STATE_NAMES: Names = {
  REPORTED: ['已上报', 'Reported'],
  ACCEPTED: ['已受理', 'Accepted'],
  REGISTERED: ['已立案', 'Registered'],
  DISPATCHED: ['已派遣', 'Dispatched'],
  HANDLING: ['处置中', 'Handling'],
  HANDLED: ['已处置', 'Handled'],
  CHECKING: ['核查中', 'Checking'],
  CHECKED: ['已核查', 'Checked'],
  CLOSED: ['已结案', 'Closed'],
  EVALUATED: ['已回访', 'Evaluated'],
  REJECTED: ['不予受理', 'Rejected'],
  MERGED: ['已合并', 'Merged'],
  VOIDED: ['已作废', 'Voided'],
};

export const CHANNEL_NAMES: Names = {
  patrol: ['网格巡查', 'Patrol'],
  citizen: ['市民上报', 'Citizen'],
  hotline: ['12345热线', 'Hotline'],
  video: ['视频AI', 'Video AI'],
  sensor: ['物联感知', 'Sensor'],
  assigned: ['上级交办', 'Assigned'],
  other: ['其他', 'Other'],
};

export const LIGHT_NAMES: Names = { green: ['绿灯', 'Green'], yellow: ['黄灯', 'Yellow'], red: ['红灯', 'Red'], none: ['无时限', 'No limit'] };
export const DEVICE_STATE_NAMES: Names = { online: ['在线', 'Online'], offline: ['离线', 'Offline'], alarm: ['告警中', 'In alarm'] };
export const TARGET_STATUS_NAMES: Names = { on_track: ['正常推进', 'On track'], at_risk: ['存在风险', 'At risk'], behind: ['进度滞后', 'Behind'], achieved: ['已完成', 'Achieved'] };
/** 督办单 states in the wording of the supervision ledger and the server's messages (the unit 回复s). */
export const ORDER_STATUS_NAMES: Names = { open: ['待回复', 'Open'], escalated: ['已升级', 'Escalated'], responded: ['已回复', 'Responded'], closed: ['已办结', 'Closed'] };

/** A code's names, or the code itself in both languages when it has none. */
export const label = (names: Names, code: string) => {
  const n = names[code];
  return { zh: n?.[0] ?? code, en: n?.[1] ?? code };
};
