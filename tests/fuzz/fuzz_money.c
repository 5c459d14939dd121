/* libFuzzer target: money parsing and formatting round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[64];
	int64_t v, back;
	int d;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (d = 0; d <= 6; d += 3) {
		if (money_parse(s, d, &v) == IE_OK) {
			/* whatever parses must print and parse back to the same value */
			if (money_to_decimal(v, d, out, sizeof(out)) || money_parse(out, d, &back) || back != v)
				abort();
			money_format(v, "EUR", out, sizeof(out));
		}
	}
	/* what people type: whatever the loose reader takes, the strict one
	 * reads back from its plain form; and plain text reads the same */
	for (d = 0; d <= 6; d += 3) {
		if (money_parse_loose(s, d, &v) == IE_OK) {
			if (money_to_decimal(v, d, out, sizeof(out)) || money_parse(out, d, &back) || back != v)
				abort();
		}
		/* plain digits (a sign, no separators) read the same both ways,
		 * up to the loose reader's length */
		if (size < 100 && money_parse(s, d, &v) == IE_OK && strspn(s + (*s == '-' || *s == '+'), "0123456789") ==
		    strlen(s + (*s == '-' || *s == '+')) && (money_parse_loose(s, d, &back) != IE_OK || back != v))
			abort();
	}
	money_from_db(s, 2, &v);
	free(s);
	return 0;
}
