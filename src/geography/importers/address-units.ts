import {
  type GeoUnitRecord,
  type ImportIssue,
  type Position,
  pc6UnitCode,
  streetUnitCode,
} from '../geography.types.js';
import type { ParsedAddress } from './address-csv.parser.js';
import { meanPosition, paddedBox } from './geometry.js';

export interface BuurtParents {
  readonly wijk: string;
  readonly gemeente: string;
}

/** An address with every unit it lies in, ready to store. */
export interface LocatedAddress {
  readonly postcode: string;
  readonly huisnummer: number;
  readonly toevoeging: string;
  readonly pc6Unit: string;
  readonly streetUnit: string;
  readonly buurtCode: string;
  readonly wijkCode: string;
  readonly gemeenteCode: string;
  readonly position: Position | null;
}

export interface AddressUnits {
  readonly units: readonly GeoUnitRecord[];
  readonly addresses: readonly LocatedAddress[];
  readonly issues: readonly ImportIssue[];
}

/**
 * Builds the street and pc6 units from addresses. A street unit is (street, buurt) and a pc6 unit is
 * (postcode, street unit), so the split that keeps the hierarchy strictly nested happens here by
 * construction: a postcode on two streets becomes two pc6 units, a street in two buurten two street
 * units. Pure; an address in a buurt that is not known for the year is reported, not guessed.
 */
export function deriveAddressUnits(
  addresses: readonly ParsedAddress[],
  buurten: ReadonlyMap<string, BuurtParents>,
): AddressUnits {
  const issues: ImportIssue[] = [];
  const located: LocatedAddress[] = [];
  const points = new Map<string, { unit: Omit<GeoUnitRecord, 'centroid' | 'geometry'>; points: Position[] }>();
  const touch = (unit: Omit<GeoUnitRecord, 'centroid' | 'geometry'>, position: Position | null): void => {
    let entry = points.get(unit.code);
    if (!entry) points.set(unit.code, (entry = { unit, points: [] }));
    if (position) entry.points.push(position);
  };

  for (const address of addresses) {
    const parents = buurten.get(address.buurtCode);
    if (!parents) {
      issues.push({ location: `line ${address.line}`, message: `buurtcode ${address.buurtCode} is not a buurt of this year` });
      continue;
    }
    const streetUnit = streetUnitCode(address.street, address.buurtCode);
    const pc6Unit = pc6UnitCode(address.postcode, address.street, address.buurtCode);
    const area = { gemeente: parents.gemeente, wijk: parents.wijk, buurt: address.buurtCode };
    touch({ level: 'street', code: streetUnit, name: address.street, parents: area }, address.position);
    touch({ level: 'pc6', code: pc6Unit, name: address.postcode, parents: { ...area, street: streetUnit } }, address.position);
    located.push({
      postcode: address.postcode,
      huisnummer: address.huisnummer,
      toevoeging: address.toevoeging,
      pc6Unit,
      streetUnit,
      buurtCode: address.buurtCode,
      wijkCode: parents.wijk,
      gemeenteCode: parents.gemeente,
      position: address.position,
    });
  }
  if (issues.length > 0) return { units: [], addresses: [], issues };

  const units = [...points.values()].map(({ unit, points: pts }) => ({
    ...unit,
    centroid: pts.length > 0 ? meanPosition(pts) : null,
    geometry: paddedBox(pts),
  }));
  // Streets before postcodes, so a parent is always written before its children.
  units.sort((a, b) => (a.level === b.level ? 0 : a.level === 'street' ? -1 : 1));
  return { units, addresses: located, issues };
}
