// Where the simulated hardware sits. Vast geolocation is free text ending in a 2-letter country code.

export interface SimPlace {
  city: string;
  region: string;
  countryCode: string;
  country: string;
  /** Relative share of Vast hosts. */
  weight: number;
}

export const SIM_PLACES: readonly SimPlace[] = [
  { city: 'Portland', region: 'Oregon', countryCode: 'US', country: 'United States', weight: 8 },
  { city: 'Austin', region: 'Texas', countryCode: 'US', country: 'United States', weight: 8 },
  { city: 'Ashburn', region: 'Virginia', countryCode: 'US', country: 'United States', weight: 6 },
  { city: 'Chicago', region: 'Illinois', countryCode: 'US', country: 'United States', weight: 5 },
  { city: 'Montreal', region: 'Quebec', countryCode: 'CA', country: 'Canada', weight: 4 },
  { city: 'Toronto', region: 'Ontario', countryCode: 'CA', country: 'Canada', weight: 2 },
  { city: 'Sao Paulo', region: 'Sao Paulo', countryCode: 'BR', country: 'Brazil', weight: 2 },
  { city: 'London', region: 'England', countryCode: 'GB', country: 'United Kingdom', weight: 3 },
  { city: 'Amsterdam', region: 'North Holland', countryCode: 'NL', country: 'Netherlands', weight: 3 },
  { city: 'Frankfurt', region: 'Hesse', countryCode: 'DE', country: 'Germany', weight: 4 },
  { city: 'Paris', region: 'Ile-de-France', countryCode: 'FR', country: 'France', weight: 2 },
  { city: 'Stockholm', region: 'Stockholm', countryCode: 'SE', country: 'Sweden', weight: 2 },
  { city: 'Oslo', region: 'Oslo', countryCode: 'NO', country: 'Norway', weight: 1 },
  { city: 'Helsinki', region: 'Uusimaa', countryCode: 'FI', country: 'Finland', weight: 1 },
  { city: 'Warsaw', region: 'Masovia', countryCode: 'PL', country: 'Poland', weight: 2 },
  { city: 'Prague', region: 'Prague', countryCode: 'CZ', country: 'Czechia', weight: 2 },
  { city: 'Bucharest', region: 'Bucharest', countryCode: 'RO', country: 'Romania', weight: 2 },
  { city: 'Reykjavik', region: 'Capital', countryCode: 'IS', country: 'Iceland', weight: 1 },
  { city: 'Madrid', region: 'Madrid', countryCode: 'ES', country: 'Spain', weight: 1 },
  { city: 'Tokyo', region: 'Tokyo', countryCode: 'JP', country: 'Japan', weight: 2 },
  { city: 'Seoul', region: 'Seoul', countryCode: 'KR', country: 'South Korea', weight: 2 },
  { city: 'Taipei', region: 'Taipei', countryCode: 'TW', country: 'Taiwan', weight: 2 },
  { city: 'Singapore', region: 'Singapore', countryCode: 'SG', country: 'Singapore', weight: 1 },
  { city: 'Mumbai', region: 'Maharashtra', countryCode: 'IN', country: 'India', weight: 1 },
  { city: 'Sydney', region: 'New South Wales', countryCode: 'AU', country: 'Australia', weight: 1 },
  { city: 'Hanoi', region: 'Hanoi', countryCode: 'VN', country: 'Vietnam', weight: 1 },
];
