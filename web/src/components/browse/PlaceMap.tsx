import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../../i18n';
import { markerRadius } from '../../map-scale';
import type { GeoPoint, InstanceIdentity, PlaceCount } from '../../types';

/** China with Hainan, Heilongjiang, Xinjiang and Taiwan; the map opens here when most works are Chinese. */
const CHINA_BOUNDS = L.latLngBounds([17, 73], [54, 135]);
const WORLD_BOUNDS = L.latLngBounds([-50, -170], [72, 180]);

/** Quiet paper colours for the bundled land (the sea is the container's background, browse.css). */
const LAND_STYLE: L.PathOptions = { color: '#b3a793', weight: 0.7, fillColor: '#f4efe4', fillOpacity: 1 };
const PLACE_STYLE: L.CircleMarkerOptions = { color: '#6b2314', weight: 1.2, fillColor: '#8a2f1d', fillOpacity: 0.42, bubblingMouseEvents: false };
const POINT_STYLE: L.CircleMarkerOptions = { color: '#1f1b16', weight: 1, fillColor: '#3b3731', fillOpacity: 0.55, bubblingMouseEvents: false };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A translated credit ("Place coordinates: {source}") with its source's links put in after escaping. */
function credit(message: (source: string) => string, sourceHtml: string): string {
  const marker = '\u0000';
  return escapeHtml(message(marker)).replace(marker, sourceHtml);
}

/** Required by the GeoNames licence wherever the coordinates are shown (src/archive/gazetteer/SOURCE.md). */
const GEONAMES = '<a href="https://www.geonames.org/">GeoNames</a>, <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>';
const NATURAL_EARTH = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>';

/** A tooltip's content as text nodes, so a place name is never read as HTML. */
function tooltip(lines: string[]): HTMLElement {
  const el = document.createElement('span');
  lines.forEach((line, i) => {
    if (i > 0) el.append(document.createElement('br'));
    el.append(document.createTextNode(line));
  });
  return el;
}

interface PlaceMapProps {
  /** The places at the chosen level, each with its works. */
  places: PlaceCount[];
  points: GeoPoint[];
  /** Open on China (else the world); read when the map is first drawn. */
  china: boolean;
  /** The instance's tiles; null draws the bundled country outlines (no request leaves this site). */
  tiles: InstanceIdentity['map'];
  label: string;
}

/**
 * The map of places: the configured tiles or the bundled Natural Earth outlines, a circle per
 * place sized by its works (clicking one opens the catalogue there), and the works that carry
 * their own coordinates as dark dots. A list beside it is the way in for keyboards and screen readers.
 */
export function PlaceMap({ places, points, china, tiles, label }: PlaceMapProps) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markers = useRef<L.LayerGroup | null>(null);
  const openOnChina = useRef(china);
  // A phone's map is a third as wide: smaller circles, or the places cover each other.
  const [small, setSmall] = useState(false);

  // The map and its base, once (and again only if the tiles setting or the language changes).
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = L.map(el, { zoomControl: false, attributionControl: false, worldCopyJump: true, minZoom: 1, maxZoom: tiles ? 18 : 7, zoomSnap: 0.5 });
    L.control.zoom({ position: 'topleft', zoomInTitle: t('browse.map.zoomIn'), zoomOutTitle: t('browse.map.zoomOut') }).addTo(map);
    const attribution = L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
    attribution.addAttribution(credit((source) => t('browse.map.creditPlaces', { source }), GEONAMES));
    let live = true;
    if (tiles) {
      L.tileLayer(tiles.tileUrl, { attribution: tiles.attribution ? escapeHtml(tiles.attribution) : '', maxZoom: 18 }).addTo(map);
    } else {
      attribution.addAttribution(credit((source) => t('browse.map.creditLand', { source }), NATURAL_EARTH));
      // Land without borders: a museum's map should not take sides on disputed frontiers, and the
      // circles and the list name the places. Loaded only when drawn: with tiles it never is.
      void Promise.all([import('world-atlas/land-110m.json'), import('topojson-client')]).then(([atlas, topojson]) => {
        if (!live) return;
        const topology = atlas.default as unknown as TopoJSON.Topology<{ land: TopoJSON.GeometryCollection }>;
        L.geoJSON(topojson.feature(topology, topology.objects.land), { style: LAND_STYLE, interactive: false }).addTo(map).bringToBack();
      });
    }
    // Leaflet measures its container once; the page's layout settles later (and changes with the
    // window), so the view is fitted when the container first has a size and kept in step after.
    map.setView(CHINA_BOUNDS.getCenter(), 3);
    let fitted = false;
    const resized = new ResizeObserver(() => {
      if (el.clientWidth === 0 || el.clientHeight === 0) return;
      map.invalidateSize();
      setSmall(el.clientWidth < 600);
      if (fitted) return;
      fitted = true;
      map.fitBounds(openOnChina.current ? CHINA_BOUNDS : WORLD_BOUNDS);
    });
    resized.observe(el);
    markers.current = L.layerGroup().addTo(map);
    mapRef.current = map;
    return () => {
      resized.disconnect();
      live = false;
      mapRef.current = null;
      markers.current = null;
      map.remove();
    };
  }, [tiles, t]);

  // The circles, whenever the places, the level or the language change.
  useEffect(() => {
    const group = markers.current;
    if (!group) return;
    group.clearLayers();
    const max = Math.max(0, ...places.map((p) => p.count), ...points.map((p) => p.count));
    const range = small ? { min: 4, max: 16 } : { min: 5, max: 28 };
    for (const point of points) {
      L.circleMarker([point.lat, point.lon], { ...POINT_STYLE, radius: markerRadius(point.count, max, { min: 3, max: range.max / 2 }) })
        .bindTooltip(tooltip([t('browse.map.ownCoordinates'), t('browse.count', { count: point.count })]))
        .addTo(group);
    }
    // Largest first, so small circles lie on top and stay clickable.
    for (const place of [...places].sort((a, b) => b.count - a.count)) {
      const name = lang === 'en' ? place.names.en : place.names['zh-Hans'];
      L.circleMarker([place.lat, place.lon], { ...PLACE_STYLE, radius: markerRadius(place.count, max, range) })
        .bindTooltip(tooltip([name, t('browse.count', { count: place.count })]))
        .on('click', () => void navigate(`/works?place=${encodeURIComponent(place.key)}`))
        .addTo(group);
    }
  }, [places, points, lang, t, navigate, tiles, small]);

  return <div ref={container} className="place-map" role="region" aria-label={label} />;
}
