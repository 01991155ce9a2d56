import type { BuurtPlan, CityPlan, StreetPlan } from './city-plan.js';
import { Prng } from './prng.js';

export interface SyntheticAddress {
  readonly postcode: string;
  readonly huisnummer: number;
  readonly toevoeging: string;
  readonly street: string;
  readonly buurtCode: string;
  readonly wijkCode: string;
  readonly lon: number;
  readonly lat: number;
}

const METRES_PER_DEGREE_LAT = 111_320;
// Dutch postcodes never use the letter pairs SA, SD and SS.
const LETTER_PAIRS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ']
  .flatMap((a) => [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((b) => a + b))
  .filter((p) => !['SA', 'SD', 'SS'].includes(p));

/**
 * Hands out postcodes and positions, buurt by buurt, street by street. A pc6 holds 15–40 addresses of
 * consecutive house numbers; now and then it runs on into the next street, or along a street into the
 * next buurt — exactly the cases that the geography splits into separate pc6 units. PC4s follow the
 * real Almere range 1311–1364 (more numbers only when the city is scaled beyond what fits).
 */
export class AddressAllocator {
  private readonly rng: Prng;
  private readonly perPc4: number;
  private pc4 = 1311;
  private inPc4 = 0;
  private letters = 0;
  private pc6: string | undefined;
  private pc6Left = 0;
  /** House numbers already in the current pc6: postcode + huisnummer + toevoeging must stay unique. */
  private readonly pc6Used = new Set<string>();
  private readonly nextNumber = new Map<string, number>();

  constructor(plan: CityPlan) {
    this.rng = new Prng(plan.options.seed, 4);
    this.perPc4 = Math.max(200, Math.min(12_000, Math.ceil(plan.totalAddresses / 54)));
  }

  *addresses(buurt: BuurtPlan): Generator<SyntheticAddress> {
    for (const [index, street] of buurt.streets.entries()) {
      const keepPostcode = index === 0 ? street.continued && this.rng.chance(0.5) : this.rng.chance(0.2) && this.pc6Left >= 4;
      if (!keepPostcode) this.pc6Left = 0;
      yield* this.street(buurt, street);
    }
  }

  private *street(buurt: BuurtPlan, street: StreetPlan): Generator<SyntheticAddress> {
    const cosLat = Math.cos((buurt.lat * Math.PI) / 180);
    const toLon = (m: number): number => m / (METRES_PER_DEGREE_LAT * cosLat);
    const toLat = (m: number): number => m / METRES_PER_DEGREE_LAT;
    const angle = this.rng.float() * Math.PI;
    const offset = this.rng.float() * buurt.radiusMetres * 0.6;
    const bearing = this.rng.float() * 2 * Math.PI;
    const centre = [buurt.lon + toLon(offset * Math.cos(bearing)), buurt.lat + toLat(offset * Math.sin(bearing))] as const;
    const length = Math.min(buurt.radiusMetres * 1.6, Math.max(40, street.addresses * 7));

    let number = this.nextNumber.get(street.name) ?? this.rng.int(1, 3);
    let perNumber = street.apartments ? this.rng.int(2, 4) : 1;
    let withinNumber = 0;
    for (let k = 0; k < street.addresses; k++) {
      const toevoeging = street.apartments ? String.fromCharCode(65 + withinNumber) : '';
      if (this.pc6Left === 0 || this.pc6Used.has(`${number}${toevoeging}`)) this.newPostcode();
      this.pc6Left--;
      this.inPc4++;
      this.pc6Used.add(`${number}${toevoeging}`);
      const t = street.addresses === 1 ? 0 : k / (street.addresses - 1) - 0.5;
      const side = number % 2 === 0 ? 8 : -8;
      yield {
        postcode: this.pc6!,
        huisnummer: number,
        toevoeging,
        street: street.name,
        buurtCode: street.buurtCode,
        wijkCode: buurt.wijkCode,
        lon: round6(centre[0] + toLon(t * length * Math.cos(angle) - side * Math.sin(angle))),
        lat: round6(centre[1] + toLat(t * length * Math.sin(angle) + side * Math.cos(angle))),
      };
      if (++withinNumber >= perNumber) {
        withinNumber = 0;
        number += this.rng.chance(0.1) ? 2 : 1;
        if (street.apartments) perNumber = this.rng.int(2, 4);
      }
    }
    this.nextNumber.set(street.name, number);
  }

  private newPostcode(): void {
    if (this.inPc4 >= this.perPc4 || this.letters >= LETTER_PAIRS.length) {
      this.pc4++;
      this.inPc4 = 0;
      this.letters = 0;
    }
    this.pc6 = `${this.pc4}${LETTER_PAIRS[this.letters++]!}`;
    this.pc6Left = this.rng.int(15, 40);
    this.pc6Used.clear();
  }
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
