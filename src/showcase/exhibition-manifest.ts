/**
 * An exhibition as a IIIF Presentation 3.0 Manifest, so any IIIF viewer can walk it: one Canvas
 * per section that shows an image, painted with that image's ImageService3; the section's heading
 * and text as a `commenting` annotation on its canvas (targeting the section's region when it has
 * one); one Range per section in `structures`. Pure: built from plain inputs with the publish
 * module's builders (ids, language maps, image services and thumbnails are theirs).
 */
import { buildManifest, languageMap, type CanvasInput, type LanguageMap, type LangText, type Manifest, type ProviderInput } from '../publish/iiif/presentation.js';

export interface ExhibitionCanvasInput {
  /** The section's id (the reader's anchor `#<id>`). */
  sectionId: string;
  heading?: LangText | undefined;
  /** Markdown per language. */
  body?: LangText | undefined;
  /** The section's region of the image, in its pixels. */
  region?: { x: number; y: number; width: number; height: number } | undefined;
  canvas: CanvasInput;
}

export interface ExhibitionManifestInput {
  slug: string;
  manifestId: string;
  title: LangText;
  summary?: LangText | undefined;
  provider?: ProviderInput | undefined;
  /** The exhibition's page on this site. */
  homepage: string;
  canvases: readonly ExhibitionCanvasInput[];
}

interface TextualBody { type: 'TextualBody'; value: string; format: 'text/markdown' | 'text/plain'; language?: string }
interface CommentingAnnotation { id: string; type: 'Annotation'; motivation: 'commenting'; body: TextualBody[]; target: string }
interface EmbeddedAnnotationPage { id: string; type: 'AnnotationPage'; items: CommentingAnnotation[] }
interface Range { id: string; type: 'Range'; label: LanguageMap; items: { id: string; type: 'Canvas' }[] }
export type ExhibitionManifest = Omit<Manifest, 'items'> & {
  items: (Omit<Manifest['items'][number], 'annotations'> & { annotations?: EmbeddedAnnotationPage[] })[];
  structures?: Range[];
};

/** The section's words per language: the heading over the Markdown body, or the heading alone as plain text. */
function sectionBodies(heading: LangText | undefined, body: LangText | undefined): TextualBody[] {
  const headings = languageMap(heading);
  const bodies = languageMap(body);
  // In the builders' language order (zh-Hans, zh-Hant, en, others, none), the same on every run.
  const languages = Object.keys(languageMap({ ...heading, ...body }));
  return languages.flatMap((language): TextualBody[] => {
    const title = headings[language]?.[0];
    const text = bodies[language]?.[0];
    const lang = language === 'none' ? {} : { language };
    if (text !== undefined) return [{ type: 'TextualBody', value: title ? `## ${title}\n\n${text}` : text, format: 'text/markdown', ...lang }];
    return title !== undefined ? [{ type: 'TextualBody', value: title, format: 'text/plain', ...lang }] : [];
  });
}

/** The Manifest of an exhibition; throws PresentationInputError `no_canvases` when no section shows an image. */
export function buildExhibitionManifest(input: ExhibitionManifestInput): ExhibitionManifest {
  const manifest = buildManifest({
    workId: `exhibition ${input.slug}`,
    manifestId: input.manifestId,
    label: input.title,
    summary: input.summary,
    provider: input.provider,
    homepage: input.homepage,
    canvases: input.canvases.map((c) => c.canvas),
  });
  const base = manifest.id.replace(/\/+$/, '');
  const items = manifest.items.map((canvas, i) => {
    const section = input.canvases[i]!;
    const body = sectionBodies(section.heading, section.body);
    const { annotations: _references, ...rest } = canvas;
    if (body.length === 0) return rest;
    const r = section.region;
    const page: EmbeddedAnnotationPage = {
      id: `${base}/comments/${i + 1}`,
      type: 'AnnotationPage',
      items: [{ id: `${base}/comments/${i + 1}/1`, type: 'Annotation', motivation: 'commenting', body, target: r ? `${canvas.id}#xywh=${r.x},${r.y},${r.width},${r.height}` : canvas.id }],
    };
    return { ...rest, annotations: [page] };
  });
  const structures: Range[] = manifest.items.map((canvas, i) => {
    const section = input.canvases[i]!;
    const label = languageMap(section.heading);
    return { id: `${base}/range/${encodeURIComponent(section.sectionId)}`, type: 'Range', label: Object.keys(label).length > 0 ? label : { none: [String(i + 1)] }, items: [{ id: canvas.id, type: 'Canvas' }] };
  });
  return { ...manifest, items, structures };
}
