// Where an offer is, in the words people filter by: a continent ("EU", "Europe"), a country ("DE",
// "Germany") or a provider's own region id ("EU-RO-1", "us-east-1"). Pure data and matching.

export const CONTINENTS = {
  AF: 'Africa',
  AN: 'Antarctica',
  AS: 'Asia',
  EU: 'Europe',
  NA: 'North America',
  OC: 'Oceania',
  SA: 'South America',
} as const;

export type Continent = keyof typeof CONTINENTS;

// ISO 3166-1 alpha-2 codes by continent (transcontinental countries go where their capital is;
// Russia and Turkey are listed under Europe, where their GPU hosts mostly are).
const COUNTRIES_BY_CONTINENT: Record<Continent, string> = {
  AF: 'AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW',
  AN: 'AQ BV GS HM TF',
  AS: 'AE AF AM AZ BD BH BN BT CC CN CX GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TW UZ VN YE',
  EU: 'AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA XK',
  NA: 'AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI',
  OC: 'AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS',
  SA: 'AR BO BR CL CO EC FK GF GY PE PY SR UY VE',
};

const CONTINENT_OF = new Map<string, Continent>();
for (const [continent, codes] of Object.entries(COUNTRIES_BY_CONTINENT) as [Continent, string][]) {
  for (const code of codes.split(' ')) CONTINENT_OF.set(code, continent);
}

/** The continent of an ISO 3166-1 alpha-2 country code ("de" works too), if it is a known code. */
export function continentOf(countryCode: string | undefined): Continent | undefined {
  return countryCode ? CONTINENT_OF.get(countryCode.toUpperCase()) : undefined;
}

/** The ISO country codes of a continent, sorted. */
export function countriesOf(continent: Continent): string[] {
  return COUNTRIES_BY_CONTINENT[continent].split(' ').sort();
}

export function isCountryCode(text: string): boolean {
  return CONTINENT_OF.has(text.trim().toUpperCase());
}

const compact = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

// What people type for a continent, besides its two-letter code.
const CONTINENT_WORDS: Record<string, Continent> = {
  ...Object.fromEntries(Object.entries(CONTINENTS).map(([code, name]) => [compact(name), code as Continent])),
  europe: 'EU',
  asia: 'AS',
  apac: 'AS',
  asiapacific: 'AS',
  latam: 'SA',
  latinamerica: 'SA',
  australia: 'OC',
};

/** "eu", "Europe", "north america" → the continent code; undefined when the words name none. */
export function parseContinent(text: string): Continent | undefined {
  const upper = text.trim().toUpperCase();
  if (upper in CONTINENTS) return upper as Continent;
  return CONTINENT_WORDS[compact(text)];
}

/** Where an offer is, as the filters see it. */
export interface Place {
  region: string;
  country?: string | undefined;
}

/**
 * `region=` is forgiving: a continent (EU, Europe), a country code (DE), or part of the provider's own
 * region text (EU-RO-1, us-east, Oregon). Two-letter words are read as continent first, then country,
 * so "EU" means Europe and "US" means the United States; codes never match inside other words
 * ("DE" must not find "Ile-de-France").
 */
export function matchesRegion(place: Place, wanted: string): boolean {
  const continent = parseContinent(wanted);
  if (continent) return continentOf(place.country) === continent;
  if (isCountryCode(wanted)) return place.country?.toUpperCase() === wanted.trim().toUpperCase();
  const needle = compact(wanted);
  return needle !== '' && compact(place.region).includes(needle);
}
