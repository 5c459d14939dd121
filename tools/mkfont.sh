#!/bin/sh
# mkfont.sh OUT.ttf [SRC.ttf] — builds the one font the invoice PDFs embed.
#
# A subset of DejaVu Sans (Debian fonts-dejavu-core) made with fonttools'
# pyftsubset (Debian fonttools): the scripts invoices are written in and the
# symbols amounts use, no hinting, no subroutines. libharu parses and embeds
# the font for every document, so its size is per-PDF cost
# (LIBRARY-NOTES.md, "libharu font cost").
#
# Ranges:
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

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: mkfont.sh OUT.ttf [SRC.ttf]" >&2
	exit 2
fi
out=$1
src=${2:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}

if ! command -v pyftsubset >/dev/null 2>&1; then
	echo "mkfont.sh: pyftsubset not found: install the Debian package fonttools" >&2
	exit 1
fi
if [ ! -r "$src" ]; then
	echo "mkfont.sh: $src not found: install the Debian package fonts-dejavu-core" >&2
	exit 1
fi

unicodes=U+0020-007E,U+00A0-00FF,U+0100-017F,U+0180-024F,U+0370-03FF,U+0400-04FF
unicodes=$unicodes,U+2000-206F,U+20A0-20CF,U+2116,U+2122,U+2190-2193
unicodes=$unicodes,U+2212,U+2215,U+2248,U+2260,U+2264-2265,U+FFFD

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# --layout-features='': libharu does no shaping (no GSUB/GPOS use), so the
# layout tables would only be parsed and embedded for nothing.
# Name records: the family/PostScript names libharu reads (1-6) and the
# copyright (0), license text (13) and license URL (14) the DejaVu/Bitstream
# Vera license asks every copy to carry.
pyftsubset "$src" \
	--unicodes="$unicodes" \
	--no-hinting --desubroutinize \
	--layout-features='' --no-layout-closure \
	--drop-tables+=GSUB,GPOS,GDEF,kern,FFTM,MATH \
	--name-IDs=0,1,2,3,4,5,6,13,14 --name-languages=0x409 \
	--notdef-outline \
	--output-file="$tmp"
# The subset must still be a TrueType font with the tables libharu needs.
if ! head -c 4 "$tmp" | od -An -tx1 | grep -q '00 01 00 00'; then
	echo "mkfont.sh: $tmp is not a TrueType (glyf) font" >&2
	exit 1
fi
mv "$tmp" "$out"
trap - EXIT
