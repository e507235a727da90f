/**
 * A work's described regions (seals, inscriptions, colophons, damage) as W3C Web Annotations in
 * IIIF AnnotationPages, one page per canvas, referenced from the canvas's `annotations`. Pure.
 *
 * Each annotation targets its canvas with a media fragment (`#xywh=`, in the canvas's pixels: the
 * original image's). Bodies are TextualBodies by purpose: `classifying` (the kind), `describing`
 * (the transcription in its own language, the translations, the note), `identifying` (a seal's
 * owner, and their authority record when known). Motivation `supplementing` when the region carries
 * words (IIIF's motivation for transcriptions), else `commenting`.
 */
import { PRESENTATION_CONTEXT, plainText } from './presentation.js';

export type AnnotationType = 'seal' | 'inscription' | 'colophon' | 'signature' | 'damage' | 'note';
type LangText = Readonly<Record<string, string | undefined>>;

export interface AnnotationInput {
  id: string;
  type: AnnotationType;
  region: { x: number; y: number; width: number; height: number };
  transcription?: string | undefined;
  transcriptionLanguage?: string | undefined;
  translation?: LangText | undefined;
  owner?: { name: LangText; uri?: string | undefined } | undefined;
  note?: LangText | undefined;
}

export interface TextualBody { type: 'TextualBody'; value: string; format: 'text/plain'; purpose: 'classifying' | 'describing' | 'identifying'; language?: string }
export interface SpecificResourceBody { type: 'SpecificResource'; purpose: 'identifying'; source: string }
export interface WebAnnotation {
  id: string;
  type: 'Annotation';
  motivation: 'supplementing' | 'commenting';
  body: (TextualBody | SpecificResourceBody)[];
  target: string;
}
export interface AnnotationPageDocument { '@context': string; id: string; type: 'AnnotationPage'; items: WebAnnotation[] }

/** The kind in each language, as the `classifying` body's values (and for viewers that show only the first). */
const TYPE_LABELS: Record<AnnotationType, Record<'zh-Hans' | 'zh-Hant' | 'en', string>> = {
  seal: { 'zh-Hans': '印章', 'zh-Hant': '印章', en: 'Seal' },
  inscription: { 'zh-Hans': '题跋', 'zh-Hant': '題跋', en: 'Inscription' },
  colophon: { 'zh-Hans': '跋文', 'zh-Hant': '跋文', en: 'Colophon' },
  signature: { 'zh-Hans': '款识', 'zh-Hant': '款識', en: 'Signature' },
  damage: { 'zh-Hans': '残损', 'zh-Hant': '殘損', en: 'Damage' },
  note: { 'zh-Hans': '注记', 'zh-Hant': '注記', en: 'Note' },
};

function texts(map: LangText | undefined, purpose: TextualBody['purpose']): TextualBody[] {
  if (!map) return [];
  return Object.entries(map).flatMap(([language, raw]) => {
    const value = plainText(raw);
    if (!value) return [];
    return [{ type: 'TextualBody' as const, value, format: 'text/plain' as const, purpose, ...(language !== 'none' ? { language } : {}) }];
  });
}

/** One canvas's AnnotationPage (`pageId`), its annotations' ids `${pageId}/${annotation.id}`. */
export function annotationPage(pageId: string, canvasId: string, annotations: readonly AnnotationInput[]): AnnotationPageDocument {
  return {
    '@context': PRESENTATION_CONTEXT,
    id: pageId,
    type: 'AnnotationPage',
    items: annotations.map((a) => {
      const { x, y, width, height } = a.region;
      const transcription = plainText(a.transcription);
      const body: WebAnnotation['body'] = [
        ...texts(TYPE_LABELS[a.type], 'classifying'),
        ...(transcription ? [{ type: 'TextualBody' as const, value: transcription, format: 'text/plain' as const, purpose: 'describing' as const, ...(a.transcriptionLanguage ? { language: a.transcriptionLanguage } : {}) }] : []),
        ...texts(a.translation, 'describing'),
        ...texts(a.owner?.name, 'identifying'),
        ...(a.owner?.uri ? [{ type: 'SpecificResource' as const, purpose: 'identifying' as const, source: a.owner.uri }] : []),
        ...texts(a.note, 'describing'),
      ];
      return {
        id: `${pageId}/${a.id}`,
        type: 'Annotation' as const,
        motivation: transcription || a.translation ? ('supplementing' as const) : ('commenting' as const),
        body,
        target: `${canvasId}#xywh=${x},${y},${width},${height}`,
      };
    }),
  };
}
