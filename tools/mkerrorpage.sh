#!/bin/sh
# mkerrorpage.sh TEMPLATE TABLE NAME: prints the static error page NAME
# (templates/static/error-NAME.html) from the one template and its line of
# the table (NAME|TITLE|MESSAGE; templates/errors/pages.txt). The texts are
# HTML-escaped; a NAME missing from the table is an error.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 TEMPLATE TABLE NAME" >&2; exit 2; }
template=$1 table=$2 name=$3
line=$(grep -v '^#' "$table" | grep -m1 "^$name|") || { echo "$0: no page $name in $table" >&2; exit 1; }
title=${line#*|}
message=${title#*|}
title=${title%%|*}
[ -n "$title" ] && [ -n "$message" ] || { echo "$0: $name: empty title or message in $table" >&2; exit 1; }
# HTML text, then a sed replacement (\, & and the delimiter |)
esc() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' \
	-e 's/[\\&|]/\\&/g'; }
sed -e "s|@TITLE@|$(esc "$title")|g" -e "s|@MESSAGE@|$(esc "$message")|g" "$template"
