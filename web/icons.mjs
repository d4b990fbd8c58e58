// The app's PNG icons, drawn from the same shapes as icons/icon.svg (two linked rings on the
// programme's green) and written without any image library: 192 and 512 px, and a maskable
// 512 px whose rings keep inside the 80 % safe circle (W3C "Web App Manifest", maskable icons).
// PNG: 8-bit RGBA, no interlace, one IDAT of zlib-deflated scanlines each led by filter byte 0,
// chunks as length + type + data + CRC-32 of type and data (W3C PNG specification, 2nd ed., §5,
// §11.2). Each pixel is supersampled 4×4 for smooth edges.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GREEN = [0x0b, 0x6e, 0x4f];
const WHITE = [0xff, 0xff, 0xff];
const GOLD = [0xf2, 0xc1, 0x4e];

// The colour at (x, y) of a 512-unit icon, or null outside it.
function shade(x, y, maskable) {
  const scale = maskable ? 0.8 : 1;                 // rings within the safe zone
  const u = 256 + (x - 256) / scale;
  const v = 256 + (y - 256) / scale;
  if (!maskable) {                                  // a rounded square, radius 96
    const dx = Math.max(96 - x, 0, x - 416);
    const dy = Math.max(96 - y, 0, y - 416);
    if (dx * dx + dy * dy > 96 * 96) return null;
  }
  const ring = (cx) => Math.abs(Math.hypot(u - cx, v - 256) - 112) <= 20;
  if (ring(312)) return GOLD;                       // drawn last in the SVG: on top
  if (ring(200)) return WHITE;
  return GREEN;
}

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size, maskable) {
  const rows = Buffer.alloc(size * (1 + 4 * size));
  const n = 4;
  for (let py = 0; py < size; py++) {
    const row = py * (1 + 4 * size);
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shade(((px + (sx + 0.5) / n) * 512) / size, ((py + (sy + 0.5) / n) * 512) / size,
                          maskable);
          if (!c) continue;
          r += c[0]; g += c[1]; b += c[2]; a += 255;
        }
      }
      const covered = a / 255;
      const o = row + 1 + 4 * px;
      rows[o] = covered ? Math.round(r / covered) : 0;
      rows[o + 1] = covered ? Math.round(g / covered) : 0;
      rows[o + 2] = covered ? Math.round(b / covered) : 0;
      rows[o + 3] = Math.round(a / (n * n));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);                   // 8 bits, RGBA, deflate, filter 0, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
                        chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })),
                        chunk('IEND', Buffer.alloc(0))]);
}

export function writeIcons(dir) {
  writeFileSync(join(dir, 'icon-192.png'), png(192, false));
  writeFileSync(join(dir, 'icon-512.png'), png(512, false));
  writeFileSync(join(dir, 'icon-maskable-512.png'), png(512, true));
}
