import { describe, expect, it } from 'vitest';
import { FilterError } from '../filter/errors.ts';
import { modelFilter } from './search.ts';
import type { RegisteredModel } from './state.ts';

const model = (name: string, tags: Record<string, string> = {}): RegisteredModel => ({ id: name, name, createdAt: 0, updatedAt: 0, createdBy: '', description: '', tags, versions: [], aliases: {}, requireEvidence: [] });
const models = [model('resnet-50', { team: 'vision' }), model('resnet-18', { team: 'vision', stage: 'old' }), model('bert', { team: 'nlp' }), model('ViT')];
const names = (filter: string) => models.filter(modelFilter(filter)).map((m) => m.name);

describe('the model filter', () => {
  it('filters by name and tags with the filter language', () => {
    expect(names("name like 'resnet%'")).toEqual(['resnet-50', 'resnet-18']);
    expect(names("name ilike 'vit'")).toEqual(['ViT']);
    expect(names("tags.team = 'vision' and not tags.stage = 'old'")).toEqual(['resnet-50']);
    expect(names("tags.team in ('nlp', 'audio') or name = 'ViT'")).toEqual(['bert', 'ViT']);
    expect(names('exists tags.team')).toEqual(['resnet-50', 'resnet-18', 'bert']);
    expect(names("tags.team != 'vision'")).toEqual(['bert']);
    expect(names("name like 'resnet\\\\-1_'")).toEqual(['resnet-18']);
  });

  it('refuses other fields and numbers, pointing at them', () => {
    for (const [filter, at] of [["name = 'a' and params.lr > 1", 15], ['name = 3', 5], ["status = 'x'", 0]] as const) {
      const err = (() => {
        try {
          modelFilter(filter);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err, filter).toBeInstanceOf(FilterError);
      expect((err as FilterError).position, filter).toBe(at);
    }
  });
});
