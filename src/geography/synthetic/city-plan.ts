import { ALMERE_BUURTEN, ALMERE_WIJKEN, type BuurtFigures, type WijkFigures } from './almere-2025.js';
import { Prng } from './prng.js';
import { StreetNamer } from './street-names.js';

export interface CityOptions {
  readonly seed: number;
  /** 1 = Almere (about 92,000 addresses). Fractions are for tests; the CLI and config take whole numbers. */
  readonly scale: number;
  /** Only these wijken (codes); all 71 when absent. Lets tests generate a small city in milliseconds. */
  readonly wijken?: readonly string[];
}

export interface StreetPlan {
  readonly name: string;
  readonly buurtCode: string;
  readonly addresses: number;
  /** Flats: two to four addresses per huisnummer, told apart by a toevoeging. */
  readonly apartments: boolean;
  /** The street started in the previous buurt and continues here (a street crossing buurten). */
  readonly continued: boolean;
}

export interface BuurtPlan extends BuurtFigures {
  readonly addresses: number;
  readonly inhabitants: number;
  readonly radiusMetres: number;
  readonly streets: readonly StreetPlan[];
}

export interface CityPlan {
  readonly options: CityOptions;
  readonly wijken: readonly WijkFigures[];
  readonly buurten: readonly BuurtPlan[];
  readonly totalAddresses: number;
  readonly planted: PlantedStreets;
}

/** Street units (`name@buurtcode`) where the generator raises a prevalence on purpose. */
export interface PlantedStreets {
  readonly benefitsBuurt: string;
  readonly benefits: readonly string[];
  readonly elderly: readonly string[];
}

export const BENEFITS_BUURT = 'BU00345104'; // Eilandenbuurt West

/**
 * Everything about the city that is decided before a single address is written: dwellings and
 * inhabitants per buurt (the real 2024 wijk figures, spread over buurten by area), streets with their
 * lengths, and the planted streets. Small enough to hold in memory at any scale; addresses and people
 * are streamed from it.
 */
export function planCity(options: CityOptions): CityPlan {
  const rng = new Prng(options.seed, 1);
  const namer = new StreetNamer(new Prng(options.seed, 2));
  const wijken = ALMERE_WIJKEN.filter((w) => !options.wijken || options.wijken.includes(w.code));
  // Longer streets in a bigger city keep the number of street names within reach.
  const streetLength = 45 * Math.sqrt(Math.max(1, options.scale));
  const buurten: BuurtPlan[] = [];

  for (const wijk of wijken) {
    const members = ALMERE_BUURTEN.filter((b) => b.wijkCode === wijk.code);
    // A wijk with residents but no registered dwellings (a new estate) still needs somewhere to live.
    const dwellings = wijk.dwellings2024 > 0 || wijk.inhabitants2024 === 0 ? wijk.dwellings2024 : Math.ceil(wijk.inhabitants2024 / 2.4);
    const weights = members.map((b) => Math.max(b.areaKm2, 0.005) * (/bedrijv|overig|industr/i.test(b.name) ? 0.03 : 1));
    const addresses = apportion(Math.round(dwellings * options.scale), weights);
    const inhabitants = apportion(Math.round(wijk.inhabitants2024 * options.scale), addresses);
    let previousLast: StreetPlan | undefined;
    members.forEach((buurt, i) => {
      const count = addresses[i]!;
      const minimum = buurt.code === BENEFITS_BUURT ? Math.min(4, Math.floor(count / 8)) : 1;
      const n = count === 0 ? 0 : Math.min(count, Math.max(minimum, Math.round(count / streetLength)));
      const sizes = n === 0 ? [] : apportion(count - n, Array.from({ length: n }, () => 0.4 + rng.float())).map((s) => s + 1);
      const continues = previousLast !== undefined && n > 0 && rng.chance(0.3);
      const streets = sizes.map(
        (size, k): StreetPlan => ({
          name: k === 0 && continues ? previousLast!.name : namer.next(wijk.name),
          buurtCode: buurt.code,
          addresses: size,
          apartments: k === 0 && continues ? previousLast!.apartments : rng.chance(0.15),
          continued: k === 0 && continues,
        }),
      );
      previousLast = streets.at(-1);
      buurten.push({
        ...buurt,
        addresses: count,
        inhabitants: inhabitants[i]!,
        radiusMetres: Math.max(80, Math.sqrt((buurt.areaKm2 * 1e6) / Math.PI)),
        streets,
      });
    });
  }

  const totalAddresses = buurten.reduce((s, b) => s + b.addresses, 0);
  return { options, wijken, buurten, totalAddresses, planted: plant(buurten, new Prng(options.seed, 3)) };
}

/**
 * Three streets of Eilandenbuurt West get many benefit recipients and rent arrears (the Straatkubus
 * story); four or five large streets in other wijken get a cluster of people over 65 living alone on a
 * low income. The largest streets are used so that the planted rates stand out even in a small city.
 */
function plant(buurten: readonly BuurtPlan[], rng: Prng): PlantedStreets {
  const unit = (s: StreetPlan): string => `${s.name}@${s.buurtCode}`;
  const bySize = (a: StreetPlan, b: StreetPlan): number => b.addresses - a.addresses || (unit(a) < unit(b) ? -1 : 1);
  const target = buurten.find((b) => b.code === BENEFITS_BUURT);
  const benefits = target ? [...target.streets].sort(bySize).slice(0, 3).map(unit) : [];

  const largestPerWijk = new Map<string, StreetPlan>();
  for (const b of buurten) {
    if (b.wijkCode === 'WK003451') continue;
    for (const s of b.streets) {
      const best = largestPerWijk.get(b.wijkCode);
      if (s.addresses >= 10 && (!best || bySize(s, best) < 0)) largestPerWijk.set(b.wijkCode, s);
    }
  }
  const candidates = [...largestPerWijk.values()];
  const elderly: string[] = [];
  const count = Math.min(candidates.length, rng.int(4, 5));
  while (elderly.length < count) {
    const [chosen] = candidates.splice(rng.int(0, candidates.length - 1), 1);
    elderly.push(unit(chosen!));
  }
  return { benefitsBuurt: BENEFITS_BUURT, benefits, elderly: elderly.sort() };
}

/** Splits `total` into whole parts proportional to `weights` (largest remainder, ties by position). */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const parts = shares.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]!++;
    left--;
  }
  return parts;
}
