/**
 * Counts per evaluation object for one period, in one pass over the period's case histories.
 * Every count goes to the case's area (district, street, community, grid); counts charged to a
 * lead unit go to its top department; counts charged to a person go to that person and to each
 * post (role) they hold. The same pass, given a probe, lists the cases behind one figure, so a
 * drill-down can never disagree with the number it explains.
 */
import { COUNTS, type FoldEvent, foldCase } from '@onegrid/domain/evaluation/counts';
import type { ObjectType } from '@onegrid/domain/evaluation/scheme';
import type { CaseHistory } from '../case/case-history.ts';
import type { Directory } from '../org/directory.ts';

/** `district`, `street:<id>`, `department:<id>`, `post:<role>`, `person:<userId>` … */
export type ObjectKey = string;
export const keyOf = (type: ObjectType, id: string) => (type === 'district' ? 'district' : `${type}:${id}`);
export function parseKey(key: ObjectKey): { type: ObjectType; id: string } {
  const i = key.indexOf(':');
  return i < 0 ? { type: 'district', id: '' } : { type: key.slice(0, i) as ObjectType, id: key.slice(i + 1) };
}

export interface Member {
  id: string;
  roles: readonly string[];
}

export const POST_ROLES = ['grid_worker', 'intake', 'shift_leader', 'dispatcher', 'handler'] as const;

/** Which objects a lead unit and a person stand for, resolved once per id. */
class Attribution {
  private readonly departments = new Map<string, ObjectKey | null>();
  private readonly persons = new Map<string, ObjectKey[]>();

  constructor(
    private readonly dir: Directory,
    members: readonly Member[],
  ) {
    for (const m of members) {
      this.persons.set(m.id, [keyOf('person', m.id), ...m.roles.filter((r) => (POST_ROLES as readonly string[]).includes(r)).map((r) => keyOf('post', r))]);
    }
  }

  /** The topmost department above (or at) the lead unit; null for streets and other areas. */
  department(unitId: string): ObjectKey | null {
    let k = this.departments.get(unitId);
    if (k !== undefined) return k;
    let u = this.dir.unit(unitId);
    let top: string | null = null;
    while (u && u.kind === 'department') {
      top = u.id;
      u = u.parent_id ? this.dir.unit(u.parent_id) : undefined;
    }
    k = top ? keyOf('department', top) : null;
    this.departments.set(unitId, k);
    return k;
  }

  person(userId: string): ObjectKey[] {
    return this.persons.get(userId) ?? [keyOf('person', userId)];
  }
}

function areaKeys(c: CaseHistory): ObjectKey[] {
  const keys = ['district'];
  if (c.streetId) keys.push(keyOf('street', c.streetId));
  if (c.communityId) keys.push(keyOf('community', c.communityId));
  if (c.gridId) keys.push(keyOf('grid', c.gridId));
  return keys;
}

export type Tally = Map<ObjectKey, Float64Array>;

export function tally(histories: readonly CaseHistory[], start: number, end: number, dir: Directory, members: readonly Member[]): Tally {
  const out: Tally = new Map();
  const at = (key: ObjectKey) => {
    let a = out.get(key);
    if (!a) {
      a = new Float64Array(COUNTS.length);
      out.set(key, a);
    }
    return a;
  };
  const who = new Attribution(dir, members);
  // The arrays an area, a lead unit or a person adds to, resolved once each: the fold emits
  // millions of increments for a month, and keys built per increment dominated the pass.
  const areas = new Map<string, Float64Array[]>();
  const leads = new Map<string, Float64Array | null>();
  const persons = new Map<string, Float64Array[]>();
  let area: Float64Array[] = [];
  const emit = (count: number, amount: number, lead: string | null, person: string | null) => {
    for (let i = 0; i < area.length; i++) {
      const x = area[i] as Float64Array;
      x[count] = (x[count] as number) + amount;
    }
    if (lead) {
      let d = leads.get(lead);
      if (d === undefined) {
        const k = who.department(lead);
        d = k ? at(k) : null;
        leads.set(lead, d);
      }
      if (d) d[count] = (d[count] as number) + amount;
    }
    if (person) {
      let ps = persons.get(person);
      if (!ps) {
        ps = who.person(person).map(at);
        persons.set(person, ps);
      }
      for (let i = 0; i < ps.length; i++) {
        const x = ps[i] as Float64Array;
        x[count] = (x[count] as number) + amount;
      }
    }
  };
  for (const c of histories) {
    const ak = `${c.streetId}|${c.communityId}|${c.gridId}`;
    let a = areas.get(ak);
    if (!a) {
      a = areaKeys(c).map(at);
      areas.set(ak, a);
    }
    area = a;
    foldCase(c.channel, c.events, start, end, emit);
  }
  return out;
}

/** The cases (with their amounts) behind one count of one object, in the same pass as `tally`. */
export function casesBehind(
  histories: readonly CaseHistory[],
  start: number,
  end: number,
  dir: Directory,
  members: readonly Member[],
  object: ObjectKey,
  counts: ReadonlySet<number>,
): Array<{ caseId: string; count: number; amount: number }> {
  const who = new Attribution(dir, members);
  const out: Array<{ caseId: string; count: number; amount: number }> = [];
  for (const c of histories) {
    const inArea = areaKeys(c).includes(object);
    foldCase(c.channel, c.events as FoldEvent[], start, end, (count, amount, lead, person) => {
      if (!counts.has(count)) return;
      const hit = inArea || (lead !== null && who.department(lead) === object) || (person !== null && who.person(person).includes(object));
      if (hit) out.push({ caseId: c.id, count, amount });
    });
  }
  return out;
}
