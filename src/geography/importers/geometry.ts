import type { GeoJsonGeometry, Position } from '../geography.types.js';

/**
 * Small planar geometry helpers. Areas are a few km wide, so treating lon/lat as planar is accurate
 * enough for centroids and schematic outlines; nothing here is used for measurement.
 */

// Schreutelkamp & Strang van Hees: RD New (EPSG:28992) to WGS84 within about a metre, no PROJ needed.
const K: readonly (readonly [number, number, number])[] = [
  [0, 1, 3235.65389], [2, 0, -32.58297], [0, 2, -0.2475], [2, 1, -0.84978], [0, 3, -0.0655], [2, 2, -0.01709],
  [1, 0, -0.00738], [4, 0, 0.0053], [2, 3, -0.00039], [4, 1, 0.00033], [1, 1, -0.00012],
];
const L: readonly (readonly [number, number, number])[] = [
  [1, 0, 5260.52916], [1, 1, 105.94684], [1, 2, 2.45656], [3, 0, -0.81885], [1, 3, 0.05594], [3, 1, -0.05607],
  [0, 1, 0.01199], [3, 2, -0.00256], [1, 4, 0.00128], [0, 2, 0.00022], [2, 0, -0.00022], [5, 0, 0.00026],
];

export function rdToWgs84(x: number, y: number): Position {
  const dx = (x - 155000) * 1e-5;
  const dy = (y - 463000) * 1e-5;
  const sum = (terms: typeof K): number => terms.reduce((s, [p, q, c]) => s + c * dx ** p * dy ** q, 0);
  return [round6(5.38720621 + sum(L) / 3600), round6(52.1551744 + sum(K) / 3600)];
}

/** True for coordinates that can only be RD New metres (the Netherlands in RD is x 0–300 km, y 300–625 km). */
export function looksLikeRd([x, y]: Position): boolean {
  return Math.abs(x) > 180 || Math.abs(y) > 90;
}

export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Area-weighted centroid of a polygon's outer ring (shoelace); the vertex mean when the area is ~0. */
export function ringCentroid(ring: readonly Position[]): { centroid: Position; area: number } {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[i + 1]!;
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(area) < 1e-12) return { centroid: meanPosition(ring), area: 0 };
  return { centroid: [round6(cx / (3 * area)), round6(cy / (3 * area))], area: Math.abs(area / 2) };
}

/** Centroid of a Polygon or MultiPolygon, weighting parts by their outer-ring area. */
export function geometryCentroid(geometry: GeoJsonGeometry): Position | null {
  const polygons =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as Position[][]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as Position[][][])
        : [];
  const parts = polygons.filter((p) => p[0] && p[0].length > 0).map((p) => ringCentroid(p[0]!));
  if (parts.length === 0) return null;
  const total = parts.reduce((s, p) => s + p.area, 0);
  if (total === 0) return meanPosition(parts.map((p) => p.centroid));
  return [
    round6(parts.reduce((s, p) => s + p.centroid[0] * p.area, 0) / total),
    round6(parts.reduce((s, p) => s + p.centroid[1] * p.area, 0) / total),
  ];
}

export function meanPosition(points: readonly Position[]): Position {
  const n = Math.max(points.length, 1);
  return [round6(points.reduce((s, p) => s + p[0], 0) / n), round6(points.reduce((s, p) => s + p[1], 0) / n)];
}

/**
 * A padded bounding box as the outline of a street or pc6 unit: coarse on purpose, so that a published
 * outline never traces individual addresses.
 */
export function paddedBox(points: readonly Position[], padDegrees = 0.0002): GeoJsonGeometry | null {
  if (points.length === 0) return null;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  [minX, minY, maxX, maxY] = [minX - padDegrees, minY - padDegrees, maxX + padDegrees, maxY + padDegrees].map(round6) as [
    number,
    number,
    number,
    number,
  ];
  return { type: 'Polygon', coordinates: [[[minX, minY], [maxX, minY], [maxX, maxY], [minX, maxY], [minX, minY]]] };
}

/** Convex hull (monotone chain) as a closed counter-clockwise ring. */
export function convexHull(points: readonly Position[]): Position[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return [...sorted, ...sorted.slice(0, 1)];
  const cross = (o: Position, a: Position, b: Position): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Position[]): Position[] => {
    const out: Position[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const hull = [...half(sorted), ...half([...sorted].reverse())];
  return [...hull, hull[0]!];
}
