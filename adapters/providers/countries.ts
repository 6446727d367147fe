// Country names and codes as providers write them in free-text locations ("Oregon, US",
// "Tokyo, Japan", "United States") → ISO 3166-1 alpha-2.
const BY_NAME: Record<string, string> = {
  'united states': 'US', usa: 'US', 'united states of america': 'US', us: 'US', canada: 'CA', mexico: 'MX',
  brazil: 'BR', 'united kingdom': 'GB', uk: 'GB', 'great britain': 'GB', england: 'GB', ireland: 'IE',
  germany: 'DE', france: 'FR', netherlands: 'NL', 'the netherlands': 'NL', belgium: 'BE', luxembourg: 'LU',
  switzerland: 'CH', austria: 'AT', italy: 'IT', spain: 'ES', portugal: 'PT', sweden: 'SE', norway: 'NO',
  finland: 'FI', denmark: 'DK', iceland: 'IS', poland: 'PL', 'czech republic': 'CZ', czechia: 'CZ',
  romania: 'RO', bulgaria: 'BG', hungary: 'HU', slovakia: 'SK', slovenia: 'SI', croatia: 'HR', serbia: 'RS',
  greece: 'GR', estonia: 'EE', latvia: 'LV', lithuania: 'LT', ukraine: 'UA', turkey: 'TR', israel: 'IL',
  'united arab emirates': 'AE', uae: 'AE', 'saudi arabia': 'SA', india: 'IN', japan: 'JP', 'south korea': 'KR',
  korea: 'KR', taiwan: 'TW', 'hong kong': 'HK', china: 'CN', singapore: 'SG', malaysia: 'MY', thailand: 'TH',
  vietnam: 'VN', indonesia: 'ID', philippines: 'PH', australia: 'AU', 'new zealand': 'NZ', 'south africa': 'ZA',
  chile: 'CL', argentina: 'AR', colombia: 'CO',
};

/** The ISO code for a location text: a trailing 2-letter code, or a known country name at the end. */
export function countryCode(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const parts = location.split(',').map((part) => part.trim()).filter(Boolean);
  const last = parts.at(-1);
  if (!last) return undefined;
  if (/^[A-Z]{2}$/.test(last)) return last;
  return BY_NAME[last.toLowerCase()];
}
