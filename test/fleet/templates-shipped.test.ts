import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHIPPED_TEMPLATES } from '#domain/templates.ts';

describe('shipped templates', () => {
  it('ships every file in data/templates/, each under its file name', () => {
    const files = readdirSync(new URL('../../data/templates/', import.meta.url)).filter((file) => file.endsWith('.json')).map((file) => file.replace(/\.json$/, ''));
    expect(SHIPPED_TEMPLATES.map((template) => template.id).sort()).toEqual(files.sort());
  });
});
