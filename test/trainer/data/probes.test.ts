import { describe, expect, it } from 'vitest';
import { loadSotuSpeeches } from '../../../src-main/trainer/data/corpus/sotu.js';
import { encodeTextsForProbe } from '../../../src-main/trainer/data/probes/encode-texts.js';
import { WordPieceTokenizer } from '../../../src-main/trainer/data/tokenizer/wordpiece.js';
import { labelledFileProbe } from '../../../src-main/trainer/data/probes/labelled-file.js';
import { sentimentProbe } from '../../../src-main/trainer/data/probes/sentiment.js';
import {
  ERA_CLASSES,
  eraOfYear,
  sotuEraProbe,
  sotuPartyProbe,
} from '../../../src-main/trainer/data/probes/sotu-probes.js';
import type { ProbeDataset } from '../../../src-main/trainer/data/probes/types.js';
import { writeTemp } from './helpers.js';

function groupsOf(examples: ProbeDataset['train']): Set<string> {
  return new Set(examples.map((e) => e.group));
}

describe('probe datasets', () => {
  it('SOTU era: 64-word passages in 4 classes, split by speech', () => {
    const era = sotuEraProbe({ seed: 3, passagesPerSpeech: 4 });
    expect(era.classes).toEqual(ERA_CLASSES);
    expect([
      eraOfYear(1860),
      eraOfYear(1861),
      eraOfYear(1932),
      eraOfYear(1933),
      eraOfYear(1980),
      eraOfYear(1981),
    ]).toEqual([0, 1, 1, 2, 2, 3]);
    const byId = new Map(loadSotuSpeeches().map((s) => [s.id, s]));
    const wordsOfSpeech = new Map(loadSotuSpeeches().map((s) => [s.id, s.text.split(/\s+/).join(' ')]));
    for (const e of [...era.train, ...era.test]) {
      expect(e.text.split(' ')).toHaveLength(64);
      expect(e.label).toBe(eraOfYear(byId.get(e.group)!.year));
      expect(wordsOfSpeech.get(e.group)!.includes(e.text)).toBe(true);
    }
    const trainSpeeches = groupsOf(era.train);
    expect([...groupsOf(era.test)].filter((g) => trainSpeeches.has(g))).toEqual([]);
    expect(groupsOf(era.test).size / (trainSpeeches.size + groupsOf(era.test).size)).toBeGreaterThan(0.1);
    expect(sotuEraProbe({ seed: 3, passagesPerSpeech: 4 })).toEqual(era);
  });

  it('SOTU party: Democratic and Republican speeches only, split by speech', () => {
    const party = sotuPartyProbe({ passagesPerSpeech: 2 });
    const byId = new Map(loadSotuSpeeches().map((s) => [s.id, s]));
    const speeches = new Set([...party.train, ...party.test].map((e) => e.group));
    expect(speeches.size).toBe(90 + 92);
    for (const e of [...party.train, ...party.test])
      expect(party.classes[e.label]).toBe(byId.get(e.group)!.party);
    const trainSpeeches = groupsOf(party.train);
    expect([...groupsOf(party.test)].filter((g) => trainSpeeches.has(g))).toEqual([]);
  });

  it('sentiment: trains on two UCI domains and tests on the third', () => {
    const probe = sentimentProbe({ testDomain: 'imdb' });
    expect(probe.train).toHaveLength(2000);
    expect(probe.test).toHaveLength(1000);
    expect(probe.test.every((e) => e.group.startsWith('imdb:'))).toBe(true);
    expect(probe.train.some((e) => e.group.startsWith('imdb:'))).toBe(false);
    expect(probe.test.filter((e) => e.label === 1)).toHaveLength(500);
  });

  it('reads a labelled CSV with quoted fields and an explicit split column', async () => {
    const csv =
      'label,text,split\n' +
      'pos,"Great, really ""great""",train\n' +
      'neg,"bad\nacross two lines",train\n' +
      '3,numbers are labels too,test\n';
    const probe = await labelledFileProbe(await writeTemp('set.csv', csv), { name: 'mine' });
    expect(probe.name).toBe('mine');
    expect(probe.classes).toEqual(['3', 'neg', 'pos']);
    expect(probe.train.map((e) => e.text)).toEqual(['Great, really "great"', 'bad\nacross two lines']);
    expect(probe.test).toEqual([{ text: 'numbers are labels too', label: 0, group: 'line:5' }]);
  });

  it('reads labelled JSONL and splits rows by a seeded hash', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => JSON.stringify({ text: `row ${i}`, label: i % 3 }));
    const probe = await labelledFileProbe(await writeTemp('set.jsonl', rows.join('\n')), {
      testFraction: 0.25,
    });
    expect(probe.classes).toEqual(['0', '1', '2']);
    expect(probe.train.length + probe.test.length).toBe(200);
    expect(probe.test.length).toBeGreaterThan(30);
    expect(probe.test.length).toBeLessThan(70);
  });

  it('rejects a single-class set, missing fields and unknown formats, with the file and line', async () => {
    const single = await writeTemp('one.jsonl', '{"text":"a","label":"x"}\n{"text":"b","label":"x"}\n');
    await expect(labelledFileProbe(single)).rejects.toThrow(/one\.jsonl: every row has the same label/);
    const missing = await writeTemp('m.jsonl', '{"text":"a","label":"x"}\n{"text":"b"}\n');
    await expect(labelledFileProbe(missing)).rejects.toThrow(/m\.jsonl:2: missing the label field "label"/);
    const header = await writeTemp('h.csv', 'sentence,class\nhello,1\n');
    await expect(labelledFileProbe(header)).rejects.toThrow(/h\.csv:1: the header row must name/);
    await expect(labelledFileProbe(await writeTemp('x.tsv', 'a\tb\n'))).rejects.toThrow(
      /must be \.jsonl or \.csv/,
    );
  });
});

describe('probe inputs', () => {
  it('encodes texts as [CLS] text [SEP] + [PAD] rows with their lengths, cutting long texts', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'good', 'bad', 'film'];
    const tokenizer = new WordPieceTokenizer(vocab, { lowercase: true });
    const batches = encodeTextsForProbe(tokenizer, ['Good film', 'bad bad bad bad bad', 'film'], 5, 2);
    expect(batches).toHaveLength(2);
    expect(Array.from(batches[0]!.inputIds)).toEqual([2, 5, 7, 3, 0, 2, 6, 6, 6, 3]);
    expect(Array.from(batches[0]!.lengths)).toEqual([4, 5]);
    expect(batches[1]!.count).toBe(1);
    expect(Array.from(batches[1]!.inputIds)).toEqual([2, 7, 3, 0, 0, 2, 3, 0, 0, 0]);
  });
});
