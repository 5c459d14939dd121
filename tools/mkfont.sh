#!/bin/sh
# mkfont.sh [-s main|extra|cjk] OUT.ttf [SRC.ttf] — builds a font the invoice
# PDFs embed.
#
#   main   (the default) the one font every PDF embeds: a subset of DejaVu Sans
#          (Debian fonts-dejavu-core) with the scripts invoices are mostly
#          written in and the symbols amounts use. libharu parses and embeds it
#          for every document, so its size is per-PDF cost (LIBRARY-NOTES.md,
#          "libharu font cost").
#   extra  a fallback, loaded only by documents with text the main font cannot
#          draw, named DejaVuSansExtra: the rest of DejaVu Sans' scripts that
#          names and addresses use
#          (Hebrew, Arabic with its presentation forms, which lib/pdf.c draws
#          joined letters with; Armenian, Georgian, Vietnamese and other Latin
#          additions, polytonic Greek, combining marks, IPA, symbols).
#   cjk    a fallback for Chinese, Japanese and Korean: a subset of Droid Sans
#          Fallback (Debian fonts-droid-fallback, TrueType outlines as libharu
#          needs): CJK symbols, kana, bopomofo, Hangul jamo and syllables, CJK
#          unified ideographs with extension A where the font has them,
#          compatibility ideographs, half- and full-width forms.
# All are made with fonttools' pyftsubset (Debian fonttools), without hinting
# or layout tables (libharu does no shaping).
#
# main ranges:
#   0020-007E Basic Latin          00A0-00FF Latin-1 Supplement
#   0100-017F Latin Extended-A     0180-024F Latin Extended-B
#   0370-03FF Greek and Coptic     0400-04FF Cyrillic
#   2000-206F General Punctuation  20A0-20CF Currency Symbols
#   2116 numero, 2122 trade mark,  2190-2193 arrows,
#   2212 minus, 2215 division slash, 2248 almost equal, 2260 2264 2265 (in)equalities
#   FFFD replacement character (what an invalid or unknown character prints as)
#
# Exit status: 0 when OUT.ttf was written and checked, 2 on usage errors,
# 1 otherwise (OUT.ttf is then left as it was).
set -eu

set_=main
if [ $# -ge 2 ] && [ "$1" = -s ]; then
	set_=$2
	shift 2
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: mkfont.sh [-s main|extra|cjk] OUT.ttf [SRC.ttf]" >&2
	exit 2
fi
out=$1
case $set_ in
main|extra)
	src=${2:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}
	pkg=fonts-dejavu-core ;;
cjk)
	src=${2:-/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf}
	pkg=fonts-droid-fallback ;;
*)
	echo "usage: mkfont.sh [-s main|extra|cjk] OUT.ttf [SRC.ttf]" >&2
	exit 2 ;;
esac

if ! command -v pyftsubset >/dev/null 2>&1; then
	echo "mkfont.sh: pyftsubset not found: install the Debian package fonttools" >&2
	exit 1
fi
if [ ! -r "$src" ]; then
	echo "mkfont.sh: $src not found: install the Debian package $pkg" >&2
	exit 1
fi

case $set_ in
main)
	unicodes=U+0020-007E,U+00A0-00FF,U+0100-017F,U+0180-024F,U+0370-03FF,U+0400-04FF
	unicodes=$unicodes,U+2000-206F,U+20A0-20CF,U+2116,U+2122,U+2190-2193
	unicodes=$unicodes,U+2212,U+2215,U+2248,U+2260,U+2264-2265,U+FFFD ;;
extra)
	# IPA, modifier letters, combining marks; Cyrillic supplement, Armenian,
	# Hebrew, Arabic; Georgian; Latin Extended Additional (Vietnamese),
	# Greek Extended; letter-like symbols, number forms, arrows, maths,
	# enclosed alphanumerics, box drawing, shapes, misc symbols; Latin
	# Extended-C/D; Hebrew and Arabic presentation forms (A and B).
	unicodes=U+0250-036F,U+0500-058F,U+0590-05FF,U+0600-06FF,U+10A0-10FF
	unicodes=$unicodes,U+1E00-1FFF,U+2100-22FF,U+2460-24FF,U+2500-26FF
	unicodes=$unicodes,U+2C60-2C7F,U+A720-A7FF,U+FB00-FDFF,U+FE70-FEFF ;;
cjk)
	# Hangul jamo, CJK radicals, CJK symbols and punctuation, kana, bopomofo,
	# Hangul compatibility jamo, kanbun, enclosed CJK, CJK compatibility,
	# extension A, unified ideographs, Hangul jamo extended, syllables,
	# compatibility ideographs, vertical and compatibility forms, half- and
	# full-width forms.
	unicodes=U+1100-11FF,U+2E80-2FDF,U+3000-33FF,U+3400-4DBF,U+4E00-9FFF
	unicodes=$unicodes,U+A960-A97F,U+AC00-D7FF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF ;;
esac

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp" "$tmp.2"' EXIT
# --layout-features='': libharu does no shaping (no GSUB/GPOS use), so the
# layout tables would only be parsed and embedded for nothing.
# Name records: the family/PostScript names libharu reads (1-6) and the
# copyright (0), license text (13) and license URL (14) the DejaVu/Bitstream
# Vera license asks every copy to carry.
pyftsubset "$src" \
	--unicodes="$unicodes" \
	--no-hinting --desubroutinize \
	--layout-features='' --no-layout-closure \
	--drop-tables+=GSUB,GPOS,GDEF,kern,FFTM,MATH,vhea,vmtx \
	--name-IDs=0,1,2,3,4,5,6,13,14 --name-languages=0x409 \
	--notdef-outline \
	--output-file="$tmp"
# The subset must still be a TrueType font with the tables libharu needs.
if ! head -c 4 "$tmp" | od -An -tx1 | grep -q '00 01 00 00'; then
	echo "mkfont.sh: $tmp is not a TrueType (glyf) font" >&2
	exit 1
fi
# The fallbacks, with fontTools from the Python pyftsubset runs on:
# - libharu 2.3.0 did not embed the components of composite glyphs in these
#   two (32-bit glyph offsets): composite CJK characters such as 郎 株 社 came
#   out blank, Arabic letters lost their dots; it also reads component glyph
#   ids as signed 16-bit, and the CJK font has ids beyond 32767. So every
#   composite glyph is replaced by its outline;
# - libharu keeps one font per PostScript name in a document (a second font
#   named like the first is silently the first), so the extra subset of
#   DejaVu Sans gets a name of its own.
if [ "$set_" != main ]; then
	py=$(sed -n '1s/^#! *//p' "$(command -v pyftsubset)")
	${py:-python3} - "$tmp" "$set_" <<'PY'
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
f = TTFont(sys.argv[1])
glyphs = f.getGlyphSet()
glyf = f["glyf"]
for name in f.getGlyphOrder():
    if glyf[name].isComposite():
        rec = DecomposingRecordingPen(glyphs)
        glyphs[name].draw(rec)
        pen = TTGlyphPen(None)
        rec.replay(pen)
        glyf[name] = pen.glyph()
if sys.argv[2] == "extra":
    names = {1: "DejaVu Sans Extra", 3: "DejaVu Sans Extra", 4: "DejaVu Sans Extra",
             6: "DejaVuSansExtra"}
    for rec in f["name"].names:
        if rec.nameID in names:
            rec.string = names[rec.nameID]
f.save(sys.argv[1])
PY
	# the components no glyph refers to any more go (smaller loca and hmtx, which
	# every PDF with the font carries: the CJK one 124 -> 107 KB)
	pyftsubset "$tmp" --unicodes='*' --no-hinting --layout-features='' --no-layout-closure \
		--name-IDs='*' --name-languages='*' --notdef-outline --output-file="$tmp.2"
	mv "$tmp.2" "$tmp"
fi
mv "$tmp" "$out"
trap - EXIT
