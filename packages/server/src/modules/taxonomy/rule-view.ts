/** How a responsibility-matrix rule looks in the API: names resolved, times in ISO. */
import type { ResponsibilityRuleRow } from '../../db/schema.ts';
import type { Directory } from '../org/directory.ts';

export interface RuleUnitRef {
  id: string;
  code: string | null;
  name: string | null;
}

export interface ResponsibilityRuleView {
  id: string;
  category: { kind: 'component' | 'matter'; code: string; name: string | null };
  /** null: the whole district. */
  area: RuleUnitRef | null;
  unit: RuleUnitRef;
  createdAt: string;
}

const unitRef = (dir: Directory, id: string): RuleUnitRef => {
  const u = dir.unit(id);
  return { id, code: u?.code ?? null, name: u?.name ?? null };
};

export function ruleView(r: ResponsibilityRuleRow, dir: Directory, categoryName: (kind: string, code: string) => string | null): ResponsibilityRuleView {
  return {
    id: r.id,
    category: { kind: r.category_kind as 'component' | 'matter', code: r.category_code, name: categoryName(r.category_kind, r.category_code) },
    area: r.area_unit_id ? unitRef(dir, r.area_unit_id) : null,
    unit: unitRef(dir, r.unit_id),
    createdAt: new Date(Number(r.created_at)).toISOString(),
  };
}
