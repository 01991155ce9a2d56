import { AddressAllocator } from './address-allocator.js';
import { ALMERE_ATTRIBUTION } from './almere-2025.js';
import { cityAreasGeoJson } from './area-geojson.js';
import { type CityOptions, type CityPlan, planCity } from './city-plan.js';
import { CITY_FILES, type CityFile, type CitySink } from './city-sink.js';
import { type GroupTally, Population, REFERENCE_YEAR } from './population.js';

export interface GenerateOptions extends CityOptions {
  /** False: only the geography (areas and addresses) — what the demo seeder needs, several times faster. */
  readonly people?: boolean;
}

export interface GeneratedCity {
  readonly plan: CityPlan;
  readonly truth: CityTruth;
}

export interface CityTruth {
  readonly seed: number;
  readonly scale: number;
  readonly referenceYear: number;
  readonly attribution: string;
  readonly totals: { readonly addresses: number; readonly inhabitants: number; readonly households: number };
  readonly planted: readonly PlantedTruth[];
}

export interface PlantedTruth {
  readonly id: 'benefits-and-rent-arrears' | 'elderly-alone-low-income';
  readonly what: string;
  readonly streetUnits: readonly string[];
  readonly expected: Readonly<Record<string, number>>;
  readonly observed: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * A synthetic Almere: real wijken and buurten, synthetic everything below them. A pure function of its
 * options — the same seed gives byte-identical files — written to a sink as it is generated, so a city
 * ten times Almere's size never has to be held in memory.
 */
export function generateCity(options: GenerateOptions, sink: CitySink): GeneratedCity {
  const plan = planCity(options);
  const people = options.people !== false;
  for (const [file, header] of Object.entries(CITY_FILES) as [CityFile, string | null][]) {
    if (header !== null && (people || file === 'addresses.csv')) sink.write(file, `${header}\n`);
  }
  sink.write('wijken-buurten.geojson', cityAreasGeoJson(plan));

  const allocator = new AddressAllocator(plan);
  const population = new Population(options.seed, sink, plan.planted);
  for (const buurt of plan.buurten) {
    population.beginBuurt(buurt.inhabitants, buurt.addresses);
    for (const a of allocator.addresses(buurt)) {
      sink.write('addresses.csv', `${a.postcode};${a.huisnummer};${a.toevoeging};${a.street};${a.buurtCode};${a.lat};${a.lon}\n`);
      if (people) population.household(a);
    }
  }

  const truth = buildTruth(plan, population, people);
  sink.write('truth.json', `${JSON.stringify(truth, null, 2)}\n`);
  return { plan, truth };
}

function buildTruth(plan: CityPlan, population: Population, people: boolean): CityTruth {
  const t = population.tallies;
  const rates = (g: GroupTally): Record<string, number> => ({
    participatiewetRate18to66: ratio(g.participatiewet, g.adults18to66),
    rentArrearsRate: ratio(g.rentArrears, g.occupied),
    elderlyAloneLowIncomeRate: ratio(g.elderlyAloneLowIncome, g.households),
    households: g.households,
  });
  return {
    seed: plan.options.seed,
    scale: plan.options.scale,
    referenceYear: REFERENCE_YEAR,
    attribution: `${ALMERE_ATTRIBUTION} for wijken and buurten; streets, addresses and people are synthetic`,
    totals: { addresses: plan.totalAddresses, inhabitants: people ? population.inhabitants : 0, households: t.city.households },
    planted: [
      {
        id: 'benefits-and-rent-arrears',
        what: `Streets of ${plan.planted.benefitsBuurt} (Eilandenbuurt West) where many working-age adults receive participatiewet (bijstand) and many households are in rent arrears`,
        streetUnits: plan.planted.benefits,
        expected: { participatiewetRate18to66: 0.35, rentArrearsRate: 0.25, baselineParticipatiewetRate18to66: 0.04, baselineRentArrearsRate: 0.03 },
        observed: { plantedStreets: rates(t.benefitsStreets), restOfBuurt: rates(t.benefitsBuurtRest), city: rates(t.city) },
      },
      {
        id: 'elderly-alone-low-income',
        what: 'Streets with a cluster of people over 65 living alone on a low income (share of households)',
        streetUnits: plan.planted.elderly,
        expected: { elderlyAloneLowIncomeRate: 0.3, baselineElderlyAloneLowIncomeRate: 0.02 },
        observed: { plantedStreets: rates(t.elderlyStreets), city: rates(t.city) },
      },
    ],
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : Math.round((numerator / denominator) * 10_000) / 10_000;
}
