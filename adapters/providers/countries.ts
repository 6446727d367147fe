// Country names and codes as providers write them in free-text locations ("Oregon, US",
// "Tokyo, Japan", "Moscow, Russia") → ISO 3166-1 alpha-2. The names are CLDR's English ones, as the
// ICU data built into Node knows them (Intl.DisplayNames, maintained with Node; no hand list to go
// stale), plus the everyday spellings CLDR does not use ("USA", "UK", "Turkey").
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const SHORT_REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none', style: 'short' });

/** CLDR region codes that are not a country: groupings, "unknown" and pseudo-locales. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);

const EVERYDAY_NAMES: Record<string, string> = {
  us: 'US', usa: 'US', 'united states of america': 'US', america: 'US',
  uk: 'GB', 'great britain': 'GB', england: 'GB', scotland: 'GB', wales: 'GB',
  uae: 'AE', turkey: 'TR', korea: 'KR', 'republic of korea': 'KR', 'czech republic': 'CZ',
  holland: 'NL', 'russian federation': 'RU', macau: 'MO', 'ivory coast': 'CI', burma: 'MM',
};

/** Lower case, no accents, "&" as "and", no leading "the": "Türkiye" → "turkiye", "The Netherlands" → "netherlands". */
function normalise(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[’']/g, '')
    .replace(/^the\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function buildIndex(): Map<string, string> {
  const index = new Map<string, string>();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const first of letters) {
    for (const second of letters) {
      const code = first + second;
      // Retired codes (SU, YU, BU…) name their successor's country; only current codes go in.
      if (NOT_COUNTRIES.has(code) || Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
      for (const name of [REGION_NAMES.of(code), SHORT_REGION_NAMES.of(code)]) if (name) index.set(normalise(name), code);
    }
  }
  for (const [name, code] of Object.entries(EVERYDAY_NAMES)) index.set(name, code);
  return index;
}

const BY_NAME = buildIndex();

/** The ISO code for a location text: a trailing 2-letter code, or a country name at the end. */
export function countryCode(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const parts = location.split(',').map((part) => part.trim()).filter(Boolean);
  const last = parts.at(-1);
  if (!last) return undefined;
  if (/^[A-Z]{2}$/.test(last)) return last;
  return BY_NAME.get(normalise(last));
}
