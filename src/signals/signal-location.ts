/** Where a signal is stored: the finest unit it could be placed in without ambiguity, and its parents. */
export interface LocatedSignal {
  readonly level: 'pc6' | 'street' | 'buurt';
  readonly pc6Unit: string | null;
  readonly streetUnit: string | null;
  readonly buurtCode: string;
  readonly wijkCode: string;
  readonly gemeenteCode: string;
}

/** A pc6 unit (postcode on one street unit) with its parents, as the geography stores it. */
export interface Pc6Unit {
  readonly code: string;
  readonly streetUnit: string;
  readonly buurtCode: string;
  readonly wijkCode: string;
  readonly gemeenteCode: string;
}

/** The unit a located signal is reported at: pc6 unit, street unit or buurt code. */
export function unitOf(located: LocatedSignal): string {
  return located.pc6Unit ?? located.streetUnit ?? located.buurtCode;
}

export function atPc6(unit: Pc6Unit): LocatedSignal {
  return { level: 'pc6', pc6Unit: unit.code, streetUnit: unit.streetUnit, buurtCode: unit.buurtCode, wijkCode: unit.wijkCode, gemeenteCode: unit.gemeenteCode };
}

/**
 * The rule for a bare postcode: a postcode is split into one pc6 unit per street unit it touches
 * (DESIGN decision 3). One unit: that pc6 unit. Several units in one buurt: the street is unknown, so
 * only the buurt is kept (never a guessed street). Several buurten: undefined — there is no buurt to
 * count it in without guessing, and the reporter must give an address or a street instead.
 */
export function locatePostcode(units: readonly Pc6Unit[]): LocatedSignal | undefined {
  const [first] = units;
  if (first === undefined) return undefined;
  if (units.length === 1) return atPc6(first);
  if (units.some((u) => u.buurtCode !== first.buurtCode)) return undefined;
  return { level: 'buurt', pc6Unit: null, streetUnit: null, buurtCode: first.buurtCode, wijkCode: first.wijkCode, gemeenteCode: first.gemeenteCode };
}
