/**
 * An in-memory view of one district's unit tree and area polygons: subtree tests by
 * materialised path, and point location through one static R-tree per area layer. Rebuilt
 * when the units change (see OrgService), never mutated.
 */
import { AreaIndex } from '@onegrid/domain/geo/grid-index';
import type { MultiPolygon, Polygon } from '@onegrid/domain/geo/geometry';
import type { UnitHead } from './unit-repository.ts';
import type { UnitKind } from './unit-kinds.ts';

export interface Location {
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  socialGridId: string | null;
  outsideJurisdiction: boolean;
}

export class Directory {
  private readonly byId = new Map<string, UnitHead>();
  private readonly byCode = new Map<string, UnitHead>();
  private readonly children = new Map<string | null, UnitHead[]>();
  private readonly layers: Partial<Record<'grid' | 'social_grid' | 'community' | 'street', AreaIndex>> = {};
  // Asked on every authenticated request: found once here, since a Directory never changes.
  private readonly centreUnit: UnitHead | undefined;

  constructor(
    readonly districtId: string,
    units: UnitHead[],
    geometries: Array<{ id: string; kind: string; geometry: Polygon | MultiPolygon }>,
    readonly fingerprint: string,
  ) {
    for (const u of units) {
      this.byId.set(u.id, u);
      this.byCode.set(u.code, u);
      const list = this.children.get(u.parent_id) ?? [];
      list.push(u);
      this.children.set(u.parent_id, list);
    }
    const groups = new Map<string, Array<{ id: string; geometry: Polygon | MultiPolygon }>>();
    for (const g of geometries) {
      const layer = g.kind === 'town' ? 'street' : g.kind === 'village' ? 'community' : g.kind;
      if (!['grid', 'social_grid', 'community', 'street'].includes(layer)) continue;
      const list = groups.get(layer) ?? [];
      list.push({ id: g.id, geometry: g.geometry });
      groups.set(layer, list);
    }
    for (const [layer, areas] of groups) this.layers[layer as keyof typeof this.layers] = new AreaIndex(areas);
    this.centreUnit = units.find((u) => u.kind === 'centre');
  }

  get size(): number {
    return this.byId.size;
  }
  unit(id: string): UnitHead | undefined {
    return this.byId.get(id);
  }
  unitByCode(code: string): UnitHead | undefined {
    return this.byCode.get(code);
  }
  childrenOf(id: string | null): UnitHead[] {
    return this.children.get(id) ?? [];
  }
  all(): IterableIterator<UnitHead> {
    return this.byId.values();
  }
  ofKind(...kinds: UnitKind[]): UnitHead[] {
    return [...this.byId.values()].filter((u) => kinds.includes(u.kind as UnitKind));
  }

  /** True when `id` is `ancestorId` or lies below it. */
  isWithin(id: string | null | undefined, ancestorId: string): boolean {
    if (!id) return false;
    const u = this.byId.get(id);
    const a = this.byId.get(ancestorId);
    return !!u && !!a && u.path.startsWith(a.path);
  }

  /** The unit and every unit below it, walked down the children map (not a scan of all units). */
  subtreeIds(id: string): string[] {
    if (!this.byId.has(id)) return [];
    const out = [id];
    for (let i = 0; i < out.length; i++) {
      for (const c of this.children.get(out[i] as string) ?? []) out.push(c.id);
    }
    return out;
  }

  /** Nearest ancestor (or self) of one of the given kinds. */
  ancestorOfKind(id: string | null | undefined, kinds: readonly string[]): UnitHead | undefined {
    let u = id ? this.byId.get(id) : undefined;
    while (u) {
      if (kinds.includes(u.kind)) return u;
      u = u.parent_id ? this.byId.get(u.parent_id) : undefined;
    }
    return undefined;
  }

  centre(): UnitHead | undefined {
    return this.centreUnit;
  }

  /**
   * The grid wins: community and street follow from its parents so that the three never
   * disagree; coarser layers are consulted only where no grid covers the point.
   */
  locate(lng: number, lat: number): Location {
    const gridId = this.layers.grid?.locate(lng, lat) ?? null;
    const socialGridId = this.layers.social_grid?.locate(lng, lat) ?? null;
    let communityId: string | null = null;
    let streetId: string | null = null;
    const from = gridId ?? socialGridId;
    if (from) {
      communityId = this.ancestorOfKind(from, ['community', 'village'])?.id ?? null;
      streetId = this.ancestorOfKind(from, ['street', 'town'])?.id ?? null;
    }
    if (!communityId) communityId = this.layers.community?.locate(lng, lat) ?? null;
    if (!streetId) {
      streetId =
        (communityId ? this.ancestorOfKind(communityId, ['street', 'town'])?.id : null) ??
        this.layers.street?.locate(lng, lat) ??
        null;
    }
    return {
      streetId,
      communityId,
      gridId,
      socialGridId,
      outsideJurisdiction: !streetId && !communityId && !gridId && !socialGridId,
    };
  }
}
