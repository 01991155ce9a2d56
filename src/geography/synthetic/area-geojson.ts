import type { GeoJsonGeometry, Position } from '../geography.types.js';
import { convexHull, round6 } from '../importers/geometry.js';
import { ALMERE_GEMEENTE } from './almere-2025.js';
import type { CityPlan } from './city-plan.js';

/**
 * The gemeente, its wijken and buurten as a CBS-style GeoJSON layer (`statcode`/`statnaam`, WGS84) —
 * the file the CBS importer reads. Outlines are schematic: an octagon of the buurt's real area around
 * its real centroid, and the convex hull of those for wijk and gemeente.
 */
export function cityAreasGeoJson(plan: CityPlan): string {
  const octagons = new Map(plan.buurten.map((b) => [b.code, octagon([b.lon, b.lat], b.radiusMetres)]));
  const hull = (codes: readonly string[]): GeoJsonGeometry => ({
    type: 'Polygon',
    coordinates: [convexHull(codes.flatMap((c) => octagons.get(c)!.slice(0, -1)))],
  });
  const features: unknown[] = [
    feature(
      { statcode: ALMERE_GEMEENTE.code, statnaam: ALMERE_GEMEENTE.name },
      hull(plan.buurten.map((b) => b.code)),
    ),
  ];
  for (const wijk of plan.wijken) {
    const members = plan.buurten.filter((b) => b.wijkCode === wijk.code).map((b) => b.code);
    features.push(
      feature(
        { statcode: wijk.code, statnaam: wijk.name, gemeentecode: ALMERE_GEMEENTE.code, stadsdeel: wijk.stadsdeel },
        hull(members),
      ),
    );
  }
  for (const buurt of plan.buurten) {
    features.push(
      feature(
        { statcode: buurt.code, statnaam: buurt.name, wijkcode: buurt.wijkCode, gemeentecode: ALMERE_GEMEENTE.code },
        { type: 'Polygon', coordinates: [octagons.get(buurt.code)!] },
      ),
    );
  }
  return `${JSON.stringify({ type: 'FeatureCollection', attribution: 'Bron: CBS, Kadaster (CC BY 4.0); outlines schematic', features })}\n`;
}

function feature(properties: Record<string, string>, geometry: GeoJsonGeometry): unknown {
  return { type: 'Feature', id: properties.statcode, properties, geometry };
}

function octagon([lon, lat]: Position, radiusMetres: number): Position[] {
  const dLat = radiusMetres / 111_320;
  const dLon = dLat / Math.cos((lat * Math.PI) / 180);
  const ring: Position[] = [];
  for (let i = 0; i < 8; i++) {
    const a = (i * Math.PI) / 4 + Math.PI / 8;
    ring.push([round6(lon + dLon * Math.cos(a)), round6(lat + dLat * Math.sin(a))]);
  }
  return [...ring, ring[0]!];
}
