import type { Prng } from './prng.js';

/**
 * Dutch-sounding street names by wijk theme, the way Almere names its neighbourhoods (composers in the
 * Muziekwijk, islands in the Eilandenbuurt, `-werf` in De Werven …). Names are unique within the city,
 * as real street names are within a woonplaats; a theme that runs out falls back to a generic one.
 */
interface Theme {
  readonly match: RegExp;
  readonly stems: readonly string[];
  /** A fixed ending (De Werven → …werf) instead of the usual straat/laan/hof. */
  readonly suffixes?: readonly string[];
}

const w = (s: string): readonly string[] => s.split(' ').map((x) => x.replaceAll('_', ' '));

const TREES = w('Eiken Beuken Linden Essen Iepen Berken Wilgen Populieren Elzen Hazelaar Kastanje Esdoorn Meidoorn Vlier Hulst Taxus Lijsterbes Plataan Acacia Walnoot');
const BIRDS = w('Merel Lijster Vink Mees Specht Reiger Zwaluw Kievit Grutto Tureluur Wulp Roerdomp Ijsvogel Buizerd Valk Uil Kraai Ekster Spreeuw Koekoek');

const THEMES: readonly Theme[] = [
  { match: /Muziekwijk/, stems: w('Bach Mozart Beethoven Chopin Verdi Vivaldi Händel Haydn Schubert Brahms Wagner Ravel Debussy Grieg Sweelinck Mahler Liszt Puccini Rossini Bizet Dvořák Sibelius Elgar Purcell Telemann Monteverdi Smetana Satie Gershwin Bartók') },
  { match: /Filmwijk/, stems: w('Fellini Hitchcock Chaplin Bergman Kubrick Truffaut Eisenstein Lumière Keaton Bogart Garbo Dietrich Wilder Renoir Ivens Haanstra Rademakers Verhoeven Visconti Kurosawa') },
  { match: /Kruidenwijk/, stems: w('Anijs Basilicum Dragon Kamille Kervel Lavendel Marjolein Munt Peterselie Rozemarijn Salie Tijm Venkel Bieslook Dille Koriander Lavas Oregano Karwij Melisse') },
  { match: /Stedenwijk/, stems: w('Utrecht Leiden Haarlem Delft Gouda Zwolle Deventer Kampen Hoorn Enkhuizen Dordrecht Alkmaar Breda Arnhem Nijmegen Groningen Leeuwarden Middelburg Maastricht Venlo Harderwijk Elburg Zutphen Doesburg') },
  { match: /Literatuurwijk/, stems: w('Multatuli Vondel Bredero Hooft Gorter Nescio Couperus Reve Mulisch Hermans Vestdijk Bordewijk Elsschot Lucebert Achterberg Kouwenaar Marsman Slauerhoff Haasse Schmidt') },
  { match: /Eilandenbuurt/, stems: w('Texel Vlieland Terschelling Ameland Schiermonnikoog Rottum Marken Urk Schokland Pampus Wieringen Goeree Tholen Walcheren Voorne Griend Tiengemeten Duiveland Schouwen Beveland') },
  { match: /Bloemenbuurt/, stems: w('Tulp Roos Narcis Iris Krokus Hyacint Dahlia Anjer Lelie Orchidee Viooltje Zonnebloem Madelief Klaproos Korenbloem Aster Pioen Fresia Gerbera Lupine') },
  { match: /Faunabuurt|Vogelhorst/, stems: [...w('Das Vos Egel Haas Ree Otter Bever Wezel Marter Hermelijn Eekhoorn Mol Hert Bunzing'), ...BIRDS] },
  { match: /Regenboogbuurt/, stems: w('Rood Oranje Geel Groen Blauw Indigo Violet Purper Karmijn Oker Azuur Turkoois Zilver Goud Amber Koraal') },
  { match: /Seizoenenbuurt/, stems: w('Lente Zomer Herfst Winter Januari Februari Maart April Mei Juni Juli Augustus September Oktober November December') },
  { match: /Molenbuurt/, stems: w('Korenmolen Poldermolen Watermolen Standerd Wipmolen Zaagmolen Oliemolen Pelmolen Grondzeiler Stellingmolen Tjasker Spinnenkop') },
  { match: /Indischebuurt/, stems: w('Java Sumatra Borneo Celebes Bali Lombok Timor Ambon Madura Flores Soemba Banda Ternate Billiton') },
  { match: /Stripheldenbuurt/, stems: w('Kuifje Asterix Obelix Suske Wiske Lambik Jerom Nero Tom_Poes Bommel Guust Robbedoes Lucky_Luke Haddock Agent_327 Douwe_Dabbert') },
  { match: /Sieradenbuurt/, stems: w('Parel Robijn Saffier Smaragd Diamant Topaas Opaal Granaat Barnsteen Agaat Amethist Jade') },
  { match: /Vaarten|Waterwijk|Noorderplassen/, stems: w('Beek Sloot Vaart Gracht Meer Plas Wetering Tocht Kreek Geul Zijl Vliet Boezem Kolk Wiel Zwet') },
  { match: /Columbus/, stems: w('Columbus Magellaan Tasman Barentsz Heemskerck Cook Vespucci Da_Gama Hudson Livingstone Nansen Amundsen Scott Marco_Polo') },
  { match: /Homerus/, stems: w('Homerus Odysseus Achilles Hector Ajax Penelope Athene Apollo Hermes Zeus Hera Priamus Helena Nestor Patroclus Telemachus') },
  { match: /Europa/, stems: w('Parijs Berlijn Rome Madrid Lissabon Wenen Praag Boedapest Warschau Kopenhagen Stockholm Oslo Helsinki Dublin Brussel Riga Tallinn Vilnius') },
  { match: /Danswijk/, stems: w('Wals Tango Rumba Samba Foxtrot Polka Menuet Bolero Salsa Quickstep Mazurka Fandango Flamenco Charleston') },
  { match: /Staatslieden|Verzets/, stems: w('Thorbecke Drees Troelstra Kuyper Oldenbarnevelt De_Witt Hogendorp Schaepman Aletta_Jacobs Schaft Brandsma Van_Hall Post Campert Kuipers') },
  { match: /Werven/, stems: TREES, suffixes: ['werf'] },
  { match: /Hoven/, stems: TREES, suffixes: ['hof'] },
  { match: /Meenten/, stems: BIRDS, suffixes: ['meent'] },
  { match: /Grienden/, stems: TREES, suffixes: ['griend'] },
  { match: /Marken/, stems: BIRDS, suffixes: ['mark'] },
  { match: /Gouwen/, stems: TREES, suffixes: ['gouw'] },
  { match: /Wierden/, stems: BIRDS, suffixes: ['wierde'] },
  { match: /Velden/, stems: TREES, suffixes: ['veld'] },
  { match: /Laren/, stems: BIRDS, suffixes: ['laar'] },
];

const GENERIC: Theme = { match: /./, stems: [...TREES, ...BIRDS] };
const SUFFIXES = w('straat laan weg hof plein pad kade singel dreef erf plantsoen park');
const PREFIXES = ['Noorder', 'Zuider', 'Ooster', 'Wester', 'Grote ', 'Kleine ', 'Oude ', 'Nieuwe '];

export class StreetNamer {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Prng) {}

  /** A new street name for a wijk, unique in the city. */
  next(wijkName: string): string {
    const theme = THEMES.find((t) => t.match.test(wijkName)) ?? GENERIC;
    for (const candidates of [this.candidates(theme, ''), this.candidates(GENERIC, '')]) {
      const name = this.take(candidates);
      if (name) return name;
    }
    for (const prefix of PREFIXES) {
      const name = this.take(this.candidates(GENERIC, prefix));
      if (name) return name;
    }
    // A city many times Almere's size can exhaust every combination: number the rest.
    for (let n = 2; ; n++) {
      const name = `${this.rng.pick(GENERIC.stems)}${this.rng.pick(SUFFIXES)} ${n}`;
      if (!this.used.has(name)) return this.mark(name);
    }
  }

  private candidates(theme: Theme, prefix: string): string[] {
    const suffixes = theme.suffixes ?? SUFFIXES;
    // "Noorder" joins the word (Noorderberkenlaan); "Oude " stands apart (Oude Berkenlaan).
    const joined = prefix !== '' && !prefix.endsWith(' ');
    return theme.stems.flatMap((stem) => suffixes.map((suffix) => `${prefix}${joined ? stem.toLowerCase() : stem}${suffix}`));
  }

  /** A random free candidate; a few random tries, then a scan, so the choice stays cheap and seeded. */
  private take(candidates: readonly string[]): string | undefined {
    for (let i = 0; i < 8; i++) {
      const name = this.rng.pick(candidates);
      if (!this.used.has(name)) return this.mark(name);
    }
    const start = this.rng.int(0, candidates.length - 1);
    for (let i = 0; i < candidates.length; i++) {
      const name = candidates[(start + i) % candidates.length]!;
      if (!this.used.has(name)) return this.mark(name);
    }
    return undefined;
  }

  private mark(name: string): string {
    this.used.add(name);
    return name;
  }
}
