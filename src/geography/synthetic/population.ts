import { BsnSequence } from './bsn.js';
import type { SyntheticAddress } from './address-allocator.js';
import type { PlantedStreets } from './city-plan.js';
import type { CitySink } from './city-sink.js';
import { Prng } from './prng.js';

export const REFERENCE_YEAR = 2025;
const MAX_HOUSEHOLD = 12;

const INCOME = ['laag', 'beneden_modaal', 'modaal', 'boven_modaal', 'hoog'] as const;
type Income = (typeof INCOME)[number];
type HouseholdType = 'alleenstaand' | 'paar' | 'paar_met_kinderen' | 'eenouder' | 'overig';

/** Counts behind truth.json: what the planted streets and their surroundings really got. */
export interface GroupTally {
  adults18to66: number;
  participatiewet: number;
  occupied: number;
  rentArrears: number;
  households: number;
  elderlyAloneLowIncome: number;
}

export type TallyGroup = 'benefitsStreets' | 'benefitsBuurtRest' | 'elderlyStreets' | 'city';

const emptyTally = (): GroupTally => ({
  adults18to66: 0,
  participatiewet: 0,
  occupied: 0,
  rentArrears: 0,
  households: 0,
  elderlyAloneLowIncome: 0,
});

/**
 * Households and people for each address, and what the partners know about them. Prevalences are
 * rough Dutch figures (about a third of households single, 4% of working-age adults on bijstand, 2–3%
 * of tenants in arrears, one child in ten in youth care); the planted streets raise a few of them.
 * The total number of inhabitants of each buurt is met exactly by drawing every household's size
 * around the mean of what is still left to place.
 */
export class Population {
  private readonly rng: Prng;
  private readonly bsn: BsnSequence;
  private peopleLeft = 0;
  private addressesLeft = 0;
  readonly tallies: Record<TallyGroup, GroupTally> = {
    benefitsStreets: emptyTally(),
    benefitsBuurtRest: emptyTally(),
    elderlyStreets: emptyTally(),
    city: emptyTally(),
  };
  inhabitants = 0;

  constructor(
    seed: number,
    private readonly sink: CitySink,
    private readonly planted: PlantedStreets,
  ) {
    this.rng = new Prng(seed, 5);
    this.bsn = new BsnSequence(seed);
  }

  beginBuurt(inhabitants: number, addresses: number): void {
    this.peopleLeft = inhabitants;
    this.addressesLeft = addresses;
  }

  household(address: SyntheticAddress): void {
    const rng = this.rng;
    const unit = `${address.street}@${address.buurtCode}`;
    const benefits = this.planted.benefits.includes(unit);
    const elderly = this.planted.elderly.includes(unit);
    const groups: TallyGroup[] = ['city'];
    if (benefits) groups.push('benefitsStreets');
    else if (address.buurtCode === this.planted.benefitsBuurt) groups.push('benefitsBuurtRest');
    if (elderly) groups.push('elderlyStreets');
    const tally = (key: keyof GroupTally, n = 1): void => groups.forEach((g) => (this.tallies[g][key] += n));

    const size = this.drawSize(elderly);
    this.addressesLeft--;
    this.peopleLeft -= size;
    this.inhabitants += size;
    const place = `${address.postcode};${address.huisnummer};${address.toevoeging}`;
    this.incidents(address, benefits);
    if (size === 0) return;
    tally('occupied');
    tally('households');

    const elderlyAlone = size === 1 && (elderly ? rng.chance(0.6) : rng.chance(0.28));
    const type = householdType(size, rng);
    const ages = this.ages(type, size, elderlyAlone);
    const income = this.income(type, elderlyAlone, elderly, benefits);
    if (elderlyAlone && income === 'laag') tally('elderlyAloneLowIncome');

    for (const [i, age] of ages.entries()) {
      const bsn = this.bsn.next();
      const sex = type === 'alleenstaand' && age >= 65 ? (rng.chance(0.65) ? 'V' : 'M') : i < 2 && type.startsWith('paar') ? (i === 0 ? 'M' : 'V') : rng.chance(0.5) ? 'V' : 'M';
      this.sink.write('bevolking.csv', `${bsn};${place};${REFERENCE_YEAR - age};${sex};${type};${size}\n`);
      if (age >= 18) this.adult(bsn, age, income, benefits, tally);
      else if (rng.chance(type === 'eenouder' ? 0.15 : 0.09)) this.youthCare(bsn, age);
      if (age >= 16 && age <= 22 && rng.chance(income === 'laag' ? 0.04 : 0.02)) {
        this.sink.write('schooluitval.csv', `${bsn};${rng.chance(0.5) ? '2023/2024' : '2024/2025'}\n`);
      }
    }
    if (rng.chance(benefits ? 0.25 : income === 'laag' ? 0.08 : 0.015)) {
      tally('rentArrears');
      this.sink.write('huurachterstand.csv', `${place};${rng.int(150, 4500)};${rng.int(1, 9)}\n`);
    }
  }

  /** Around the mean of what is left, with about a third single households, never beyond what is left. */
  private drawSize(elderly: boolean): number {
    // The last address takes what is left, but no household is larger than MAX_HOUSEHOLD (partners'
    // registers refuse absurd sizes, and so does the bevolking declaration).
    if (this.addressesLeft <= 1) return Math.min(MAX_HOUSEHOLD, Math.max(0, this.peopleLeft));
    const mean = this.peopleLeft / (this.addressesLeft * 0.98);
    if (this.peopleLeft <= 0 || (mean < 4 && this.rng.chance(0.02))) return 0;
    if (elderly && this.rng.chance(0.45)) return 1;
    const single = Math.min(1, Math.max(0.33, 2 - mean));
    if (this.rng.chance(single)) return 1;
    const extra = Math.max(0, (mean - single) / (1 - single) - 2);
    return Math.min(this.peopleLeft, MAX_HOUSEHOLD, 2 + this.rng.poisson(extra), Math.max(8, Math.ceil(mean * 2)));
  }

  private ages(type: HouseholdType, size: number, elderlyAlone: boolean): number[] {
    const rng = this.rng;
    if (type === 'alleenstaand') return [elderlyAlone ? rng.int(65, 94) : rng.int(19, 64)];
    if (type === 'paar') {
      const first = rng.chance(0.25) ? rng.int(65, 90) : rng.int(21, 64);
      return [first, Math.max(18, first + rng.int(-5, 5))];
    }
    if (type === 'overig') return Array.from({ length: size }, () => rng.int(18, 45));
    const parent = rng.int(24, 56);
    const parents = type === 'paar_met_kinderen' ? [parent, Math.max(20, parent + rng.int(-4, 4))] : [parent];
    const children = Array.from({ length: size - parents.length }, () => rng.int(0, Math.min(24, parent - 20)));
    return [...parents, ...children];
  }

  private income(type: HouseholdType, elderlyAlone: boolean, elderlyStreet: boolean, benefitsStreet: boolean): Income {
    if (elderlyAlone && elderlyStreet && this.rng.chance(0.75)) return 'laag';
    if (benefitsStreet && this.rng.chance(0.3)) return 'laag';
    const weights =
      type === 'alleenstaand'
        ? elderlyAlone ? [0.22, 0.35, 0.25, 0.13, 0.05] : [0.28, 0.25, 0.25, 0.15, 0.07]
        : type === 'eenouder' ? [0.35, 0.3, 0.2, 0.1, 0.05]
        : type === 'overig' ? [0.2, 0.3, 0.3, 0.15, 0.05]
        : [0.06, 0.13, 0.25, 0.32, 0.24];
    return INCOME[this.rng.weighted(weights)]!;
  }

  private adult(bsn: string, age: number, income: Income, benefitsStreet: boolean, tally: (k: keyof GroupTally) => void): void {
    const rng = this.rng;
    this.sink.write('inkomen.csv', `${bsn};${income}\n`);
    let regeling: string | undefined;
    if (age >= 67) regeling = 'aow';
    else {
      tally('adults18to66');
      if (rng.chance(benefitsStreet ? 0.35 : income === 'laag' ? 0.22 : 0.01)) {
        regeling = 'participatiewet';
        tally('participatiewet');
      } else if (rng.chance(0.02)) regeling = 'ww';
      else if (rng.chance(0.045)) regeling = age < 30 && rng.chance(0.4) ? 'wajong' : 'wia';
    }
    if (regeling) this.sink.write('uitkeringen.csv', `${bsn};${regeling}\n`);
    if (rng.chance(regeling === 'participatiewet' ? 0.1 : income === 'laag' ? 0.03 : 0.006)) {
      const status = ['aanmelding', 'lopend', 'afgerond'][rng.weighted([0.2, 0.5, 0.3])]!;
      this.sink.write('schuldhulp.csv', `${bsn};${status};${1000 + Math.floor(rng.float() ** 2 * 60000)}\n`);
    }
  }

  private youthCare(bsn: string, age: number): void {
    const kinds = ['ambulant', 'verblijf', 'jeugdbescherming', 'jeugdreclassering'];
    const kind = kinds[this.rng.weighted(age >= 12 ? [0.72, 0.08, 0.12, 0.08] : [0.78, 0.08, 0.14, 0])]!;
    this.sink.write('jeugdzorg.csv', `${bsn};${kind}\n`);
  }

  private incidents(address: SyntheticAddress, benefitsStreet: boolean): void {
    const categories = ['overlast', 'burenruzie', 'vernieling', 'diefstal', 'huiselijk_geweld'];
    for (let n = this.rng.poisson(benefitsStreet ? 0.15 : 0.05); n > 0; n--) {
      const category = categories[this.rng.weighted([0.35, 0.2, 0.15, 0.15, 0.15])]!;
      const day = new Date(Date.UTC(REFERENCE_YEAR - 1, 0, 1 + this.rng.int(0, 365))).toISOString().slice(0, 10);
      this.sink.write('incidenten.csv', `${address.postcode};${address.huisnummer};${category};${day}\n`);
    }
  }
}

function householdType(size: number, rng: Prng): HouseholdType {
  if (size === 1) return 'alleenstaand';
  if (size === 2) return (['paar', 'eenouder', 'overig'] as const)[rng.weighted([0.8, 0.15, 0.05])]!;
  return (['paar_met_kinderen', 'eenouder', 'overig'] as const)[rng.weighted([0.82, 0.13, 0.05])]!;
}
