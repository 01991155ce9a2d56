/** The files of a synthetic city, with their header lines (`;`-separated UTF-8, as partners deliver). */
export const CITY_FILES = {
  'addresses.csv': 'postcode;huisnummer;toevoeging;straatnaam;buurtcode;lat;lon',
  'bevolking.csv': 'bsn;postcode;huisnummer;toevoeging;geboortejaar;geslacht;huishoudtype;huishoudgrootte',
  'inkomen.csv': 'bsn;inkomensklasse',
  'uitkeringen.csv': 'bsn;regeling',
  'huurachterstand.csv': 'postcode;huisnummer;toevoeging;bedrag;maanden',
  'schuldhulp.csv': 'bsn;status;schuldbedrag',
  'jeugdzorg.csv': 'bsn;soort',
  'schooluitval.csv': 'bsn;schooljaar',
  'incidenten.csv': 'postcode;huisnummer;categorie;datum',
  'wijken-buurten.geojson': null,
  'truth.json': null,
} as const;

export type CityFile = keyof typeof CITY_FILES;

/**
 * Where generated text goes. Writes arrive in order, file by file interleaved, so a sink can stream
 * them to disk (the CLI) or keep them (tests, the demo seeder) — the generator never holds a whole file.
 */
export interface CitySink {
  write(file: CityFile, text: string): void;
}

/** Keeps only the files asked for, in memory. */
export class MemorySink implements CitySink {
  private readonly chunks = new Map<CityFile, string[]>();

  constructor(private readonly keep: readonly CityFile[] = Object.keys(CITY_FILES) as CityFile[]) {}

  write(file: CityFile, text: string): void {
    if (!this.keep.includes(file)) return;
    let list = this.chunks.get(file);
    if (!list) this.chunks.set(file, (list = []));
    list.push(text);
  }

  text(file: CityFile): string {
    return (this.chunks.get(file) ?? []).join('');
  }
}
