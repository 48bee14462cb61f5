#!/usr/bin/env node
// Draws InTransit's PNG icons with no dependencies (node:zlib for the PNG encoding):
// the app icon at 16/32/48/128 px and one toolbar icon per verdict level at 16/32 px.
// Each level has its own outer shape AND its own glyph, so levels differ without colour
// (DESIGN.md: never colour alone). Output: public/icons/. Run: node scripts/make-icons.mjs
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

// ---- PNG encoding (RFC 2083: signature, IHDR, IDAT, IEND; CRC-32 per chunk) -------------------
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Shapes as signed-distance-ish predicates on a unit square [0,1]² ---------------------------
const inCircle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const inRect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
function inRoundRect(x0, y0, x1, y1, r) {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}
function inPolygon(points) {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}
function distToSegment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}
/** A stroked polyline of width w. */
const stroke = (points, w) => (x, y) => {
  for (let i = 1; i < points.length; i++) if (distToSegment(x, y, points[i - 1], points[i]) <= w / 2) return true;
  return false;
};
const any = (...fs) => (x, y) => fs.some((f) => f(x, y));
const arc = (cx, cy, r, a0, a1, n = 24) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });

const WHITE = [255, 255, 255, 255];

/** Layers painted in order: [predicate, rgba]. 4×4 supersampling for anti-aliasing. */
function render(size, layers) {
  const px = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let pxi = 0; pxi < size; pxi++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (pxi + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          let c = [0, 0, 0, 0];
          for (const [inside, colour] of layers) if (inside(x, y)) c = colour;
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const o = (py * size + pxi) * 4;
      px[o] = a ? Math.round(r / a) : 0;
      px[o + 1] = a ? Math.round(g / a) : 0;
      px[o + 2] = a ? Math.round(b / a) : 0;
      px[o + 3] = Math.round(a / (S * S));
    }
  }
  return encodePng(size, px);
}

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), 255];

// Glyphs (white, drawn over the level's outer shape).
const W = 0.13; // stroke width
const glyph = {
  check: stroke([[0.28, 0.52], [0.44, 0.68], [0.73, 0.34]], W),
  tilde: stroke(Array.from({ length: 25 }, (_, i) => [0.24 + (0.52 * i) / 24, 0.52 - 0.1 * Math.sin((i / 24) * 2 * Math.PI)]), W),
  exclamation: any(stroke([[0.5, 0.3], [0.5, 0.6]], W), inCircle(0.5, 0.74, 0.07)),
  exclamation2: any(stroke([[0.38, 0.3], [0.38, 0.58]], 0.11), inCircle(0.38, 0.72, 0.06), stroke([[0.62, 0.3], [0.62, 0.58]], 0.11), inCircle(0.62, 0.72, 0.06)),
  cross: stroke([[0.32, 0.32], [0.68, 0.68]], W),
  cross2: stroke([[0.68, 0.32], [0.32, 0.68]], W),
  bar: inRect(0.24, 0.43, 0.76, 0.57),
  question: any(stroke([...arc(0.5, 0.38, 0.14, Math.PI, 2.4 * Math.PI, 16), [0.5, 0.6]], W), inCircle(0.5, 0.77, 0.07)),
  dots: any(inCircle(0.28, 0.5, 0.08), inCircle(0.5, 0.5, 0.08), inCircle(0.72, 0.5, 0.08)),
  house: any(inPolygon([[0.5, 0.24], [0.78, 0.5], [0.22, 0.5]]), inRect(0.32, 0.48, 0.68, 0.76)),
  lock: any(inRoundRect(0.3, 0.47, 0.7, 0.77, 0.04), stroke(arc(0.5, 0.46, 0.13, Math.PI, 2 * Math.PI, 16), 0.09)),
};

// Outer shapes: circle, rounded square, triangle, diamond, octagon.
const shape = {
  circle: inCircle(0.5, 0.5, 0.48),
  square: inRoundRect(0.04, 0.04, 0.96, 0.96, 0.18),
  triangle: inPolygon([[0.5, 0.03], [0.98, 0.92], [0.02, 0.92]]),
  diamond: inPolygon([[0.5, 0.01], [0.99, 0.5], [0.5, 0.99], [0.01, 0.5]]),
  octagon: inPolygon(Array.from({ length: 8 }, (_, i) => {
    const a = Math.PI / 8 + (i * Math.PI) / 4;
    return [0.5 + 0.5 * Math.cos(a), 0.5 + 0.5 * Math.sin(a)];
  })),
};

// Colours and glyphs follow the level table, src/shared/level-table.ts (✓ ~ ! !! ✗ ? … –) — a
// unit test compares the colours.
export const LEVEL_ICONS = {
  protected: { colour: '#137333', shape: shape.circle, glyph: [glyph.check] },
  required: { colour: '#137333', shape: shape.square, glyph: [glyph.lock] },
  internal: { colour: '#1a5fb4', shape: shape.square, glyph: [glyph.house] },
  encrypted: { colour: '#46566a', shape: shape.circle, glyph: [glyph.tilde] },
  unverified: { colour: '#c5410c', shape: shape.triangle, glyph: [glyph.exclamation] },
  misconfigured: { colour: '#c5221f', shape: shape.diamond, glyph: [glyph.exclamation2] },
  undeliverable: { colour: '#8c1d18', shape: shape.octagon, glyph: [glyph.cross, glyph.cross2] },
  unknown: { colour: '#8a5a00', shape: shape.circle, glyph: [glyph.question] },
  checking: { colour: '#5f6368', shape: shape.square, glyph: [glyph.dots] },
  // Not checked on purpose (the settings' skip list): grey diamond with a dash.
  skipped: { colour: '#5f6368', shape: shape.diamond, glyph: [glyph.bar] },
};

function levelIcon(size, { colour, shape: outer, glyph: marks }) {
  // The triangle's visual centre is lower: nudge its glyph down.
  return render(size, [[outer, hex(colour)], ...marks.map((m) => [m, WHITE])]);
}

// App icon: a blue rounded square with an envelope and a small padlock.
function appIcon(size) {
  const blue = hex('#1a5fb4');
  const envelope = inRect(0.16, 0.28, 0.84, 0.72);
  const flap = stroke([[0.17, 0.3], [0.5, 0.54], [0.83, 0.3]], 0.07);
  const lockBody = inRoundRect(0.56, 0.56, 0.9, 0.86, 0.03);
  const shackle = stroke(arc(0.73, 0.56, 0.1, Math.PI, 2 * Math.PI, 16), 0.06);
  return render(size, [
    [shape.square, blue],
    [envelope, WHITE],
    [flap, blue],
    [any(inRoundRect(0.52, 0.46, 0.94, 0.9, 0.05)), blue],
    [lockBody, WHITE],
    [shackle, WHITE],
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(join(OUT, `app-${size}.png`), appIcon(size));
for (const [level, spec] of Object.entries(LEVEL_ICONS)) {
  for (const size of [16, 32]) writeFileSync(join(OUT, `level-${level}-${size}.png`), levelIcon(size, spec));
}
console.log(`icons written to ${OUT}`);
