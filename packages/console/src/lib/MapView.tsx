/**
 * The district map: its own street/community polygons on a plain background (no tiles from the
 * internet), optional GeoJSON point layers coloured by light, and an optional click to pick a
 * place. MapLibre is loaded in its own chunk with this component.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import { type GeoJSONSource, Map as MlMap, type MapMouseEvent, NavigationControl, type StyleSpecification, setWorkerUrl } from 'maplibre-gl';
// The worker is self-contained; shipped as an asset of ours so nothing loads from elsewhere.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import { api, ok } from '../api/client.ts';
import type { Of } from '../api/types.ts';
import { type HexCell, hexFeatures } from './hex-layer.ts';

export interface MapPoint {
  id: string;
  lng: number;
  lat: number;
  color: string;
  label?: string;
}

export interface MapViewProps {
  height: number | string;
  points?: MapPoint[];
  /** The heat layer: H3 hexagons filled by how many cases each holds. */
  hexes?: readonly HexCell[];
  onPick?: (p: { lng: number; lat: number }) => void;
  picked?: { lng: number; lat: number } | null;
  onPointClick?: (id: string) => void;
  communities?: boolean;
  /** Areas to outline and zoom to (e.g. a unit and its children); a new object refits the view. */
  focus?: AreaCollection | null;
}

export interface AreaCollection {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; properties: Record<string, unknown> | null; geometry: { type: string; coordinates: unknown } | null }>;
}

setWorkerUrl(workerUrl);

const STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#eef2f6' } }],
};

type Areas = Of<'/api/v1/areas', 'get'>;
let areaCache: Promise<{ streets: Areas; communities: Areas }> | null = null;
function areas() {
  areaCache ??= Promise.all([ok(api.GET('/api/v1/areas', { params: { query: { level: 'street' } } })), ok(api.GET('/api/v1/areas', { params: { query: { level: 'community' } } }))]).then(
    ([streets, communities]) => ({ streets, communities }),
  );
  return areaCache;
}

function bounds(fc: { features: ReadonlyArray<{ geometry: { coordinates?: unknown } | null }> }): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as [number, number];
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
    } else if (Array.isArray(c)) for (const d of c) walk(d);
  };
  for (const f of fc.features) walk(f.geometry?.coordinates);
  return b;
}

const pointsFc = (pts: MapPoint[]) => ({
  type: 'FeatureCollection' as const,
  features: pts.map((p) => ({ type: 'Feature' as const, properties: { id: p.id, color: p.color, label: p.label ?? '' }, geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] } })),
});

export default function MapView(props: MapViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MlMap | null>(null);
  const ready = useRef(false);
  const syncRef = useRef<() => void>(() => undefined);
  const fitted = useRef<AreaCollection | null | undefined>(undefined);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (!el.current) return;
    const m = new MlMap({ container: el.current, style: STYLE, center: [106.57, 29.6], zoom: 10.5, attributionControl: false });
    map.current = m;
    m.addControl(new NavigationControl({ showCompass: false }));
    m.on('load', async () => {
      const a = await areas().catch(() => null);
      if (!a || !map.current) return;
      m.addSource('streets', { type: 'geojson', data: a.streets as never });
      m.addSource('communities', { type: 'geojson', data: a.communities as never });
      m.addLayer({ id: 'street-fill', type: 'fill', source: 'streets', paint: { 'fill-color': '#dbe7f5', 'fill-opacity': 0.6 } });
      if (latest.current.communities !== false) m.addLayer({ id: 'community-line', type: 'line', source: 'communities', paint: { 'line-color': '#9fb6cf', 'line-width': 0.5 } });
      m.addLayer({ id: 'street-line', type: 'line', source: 'streets', paint: { 'line-color': '#4a6f9a', 'line-width': 1.2 } });
      m.addSource('focus', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      m.addLayer({ id: 'focus-fill', type: 'fill', source: 'focus', paint: { 'fill-color': ['case', ['get', 'selected'], '#1464c8', '#faad14'], 'fill-opacity': ['case', ['get', 'selected'], 0.12, 0.25] } });
      m.addLayer({ id: 'focus-line', type: 'line', source: 'focus', paint: { 'line-color': ['case', ['get', 'selected'], '#1464c8', '#d48806'], 'line-width': ['case', ['get', 'selected'], 2.5, 1] } });
      m.addSource('heat', { type: 'geojson', data: hexFeatures([]) });
      m.addLayer({ id: 'heat', type: 'fill', source: 'heat', paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.55, 'fill-outline-color': '#ffffff' } });
      m.addSource('points', { type: 'geojson', data: pointsFc([]), cluster: true, clusterRadius: 30, clusterMaxZoom: 14 });
      m.addLayer({ id: 'clusters', type: 'circle', source: 'points', filter: ['has', 'point_count'], paint: { 'circle-color': '#1464c8', 'circle-opacity': 0.75, 'circle-radius': ['step', ['get', 'point_count'], 10, 50, 15, 500, 22] } });
      m.addLayer({ id: 'cluster-count', type: 'symbol', source: 'points', filter: ['has', 'point_count'], layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-size': 11 }, paint: { 'text-color': '#fff' } });
      m.addLayer({ id: 'point', type: 'circle', source: 'points', filter: ['!', ['has', 'point_count']], paint: { 'circle-color': ['get', 'color'], 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } });
      m.addSource('picked', { type: 'geojson', data: pointsFc([]) });
      m.addLayer({ id: 'picked', type: 'circle', source: 'picked', paint: { 'circle-color': '#d4380d', 'circle-radius': 8, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
      const b = bounds(a.streets);
      if (b) m.fitBounds(b, { padding: 20, duration: 0 });
      ready.current = true;
      sync();
    });
    m.on('click', (e: MapMouseEvent) => {
      const hit = m.queryRenderedFeatures(e.point, { layers: ['point'] })[0];
      if (hit && latest.current.onPointClick) latest.current.onPointClick(String(hit.properties?.id));
      else latest.current.onPick?.({ lng: e.lngLat.lng, lat: e.lngLat.lat });
    });
    let shownHexes: readonly HexCell[] | undefined;
    let shownPoints: MapPoint[] | undefined;
    const sync = () => {
      if (!ready.current) return;
      const p = latest.current;
      // Re-sent only when the array changes: with 10,000 open cases a re-render must not re-cluster them.
      if (p.points !== shownPoints) {
        shownPoints = p.points;
        (m.getSource('points') as GeoJSONSource).setData(pointsFc(p.points ?? []));
      }
      if (p.hexes !== shownHexes) {
        shownHexes = p.hexes;
        (m.getSource('heat') as GeoJSONSource).setData(hexFeatures(p.hexes ?? []));
      }
      (m.getSource('picked') as GeoJSONSource).setData(pointsFc(p.picked ? [{ id: 'picked', ...p.picked, color: '#d4380d' }] : []));
      if (p.focus !== fitted.current) {
        fitted.current = p.focus;
        (m.getSource('focus') as GeoJSONSource).setData((p.focus ?? { type: 'FeatureCollection', features: [] }) as never);
        const fb = p.focus ? bounds(p.focus) : null;
        if (fb) m.fitBounds(fb, { padding: 30, duration: 0, maxZoom: 16 });
      }
    };
    syncRef.current = sync;
    return () => {
      ready.current = false;
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    syncRef.current();
  });

  return <div ref={el} style={{ height: props.height, width: '100%', borderRadius: 6, overflow: 'hidden' }} role="application" aria-label="map" />;
}
